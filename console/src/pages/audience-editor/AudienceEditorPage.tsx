import { useParams } from 'react-router';
import { AudienceDetail } from './AudienceDetail';
import { NewAudienceForm } from './NewAudienceForm';

/** `/audiences/new` creates an audience; `/audiences/:id` shows and edits one. */
export function AudienceEditorPage() {
  const { id } = useParams();

  return id ? <AudienceDetail id={id} /> : <NewAudienceForm />;
}

import { useParams } from 'react-router';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/ErrorMessage';
import { LoadingState } from '../../components/LoadingState';
import { useApiData } from '../../hooks/useApiData';
import { JourneyEditor } from './JourneyEditor';

/** `/journeys/new` creates a journey; `/journeys/:id` edits its draft and publishes it. */
export function JourneyEditorPage() {
  const { id } = useParams();
  const { data, error, loading, reload, setData } = useApiData(
    () =>
      Promise.all([
        id ? api.journey(id) : Promise.resolve(undefined),
        api.connectors(),
        api.catalog(),
        api.audiences(),
      ]),
    [id],
  );

  if (loading && !data) return <LoadingState label="Loading the journey…" />;
  if (!data) return <ErrorMessage message={error ?? 'No journey'} onRetry={reload} />;
  const [journey, connectors, catalog, audiences] = data;

  return (
    <JourneyEditor
      key={journey?.id ?? 'new'}
      journey={journey}
      connectors={connectors}
      catalog={catalog}
      audiences={audiences}
      onSaved={(saved) => setData([saved, connectors, catalog, audiences])}
    />
  );
}

import { Alert, Anchor, Button, Group, Paper, Stack, TextInput } from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, describeError } from '../../api/client';
import type { Audience, CatalogEntry, Connector, Journey } from '../../api/types';
import { ErrorMessage } from '../../components/ErrorMessage';
import { PageHeader } from '../../components/PageHeader';
import { fieldPathOfMessage } from '../../components/schema-form/field-errors';
import {
  emptyJourney,
  fromDefinition,
  type JourneyDraft,
  stepIndexOfMessage,
  toDefinition,
} from './journey-draft';
import { PublishButton } from './PublishButton';
import { StepList } from './StepList';
import { TriggerFields } from './TriggerFields';
import { VersionsPanel } from './VersionsPanel';

interface JourneyEditorProps {
  journey: Journey | undefined;
  connectors: Connector[];
  catalog: CatalogEntry[];
  audiences: Audience[];
  onSaved: (journey: Journey) => void;
}

/** Edits a journey's draft (name, trigger, steps in order), saves it and publishes it. */
export function JourneyEditor({
  journey,
  connectors,
  catalog,
  audiences,
  onSaved,
}: JourneyEditorProps) {
  const navigate = useNavigate();
  const [draft, setDraft] = useState<JourneyDraft>(() =>
    journey ? fromDefinition(journey.draft, connectors, catalog) : emptyJourney(),
  );
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();

  const update = (next: JourneyDraft) => {
    setDraft(next);
    setDirty(true);
    setNotice(undefined);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    setSaving(true);
    try {
      const definition = toDefinition(draft, connectors, catalog);
      const saved = journey
        ? await api.saveJourneyDraft(journey.id, definition)
        : await api.createJourney(definition);
      setDirty(false);
      setNotice('Draft saved.');
      if (journey) onSaved(saved);
      else await navigate(`/journeys/${saved.id}`);
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setSaving(false);
    }
  };

  const errorStep = error ? stepIndexOfMessage(error) : undefined;
  const errorPath = error ? fieldPathOfMessage(error) : undefined;
  const fieldErrors: Record<string, string> = errorPath && error ? { [errorPath]: error } : {};

  return (
    <>
      <PageHeader
        title={journey ? journey.name : 'New journey'}
        description={
          <Anchor component={Link} to="/journeys" size="sm">
            All journeys
          </Anchor>
        }
        actions={
          journey && (
            <PublishButton
              journey={journey}
              blockedReason={
                dirty ? 'Save the draft first: publishing uses the saved draft.' : undefined
              }
              onPublished={(published) => {
                onSaved(published);
                setNotice('Published: this version runs now.');
              }}
            />
          )
        }
      />
      <Stack gap="lg">
        {journey?.hasUnpublishedChanges && (
          <Alert
            color="yellow"
            title={journey.published ? 'Unpublished changes' : 'Not published'}
            data-testid="unpublished-banner"
          >
            {journey.published
              ? 'The saved draft differs from the published version, which keeps running until you publish.'
              : 'The journey does not run until you publish it.'}
          </Alert>
        )}
        {dirty && (
          <Alert color="blue" variant="light">
            This page has edits that are not saved yet.
          </Alert>
        )}
        {notice && (
          <Alert color="green" role="status">
            {notice}
          </Alert>
        )}
        {error && <ErrorMessage title="Not saved" message={error} />}
        <form onSubmit={(event) => void save(event)} noValidate aria-label="Journey draft">
          <Stack gap="lg">
            <Paper withBorder p="md" radius="md">
              <Stack gap="sm">
                <TextInput
                  label="Name"
                  withAsterisk
                  value={draft.name}
                  onChange={(event) => update({ ...draft, name: event.currentTarget.value })}
                  error={fieldErrors.name}
                />
                <TriggerFields
                  trigger={draft.trigger}
                  audiences={audiences}
                  errors={fieldErrors}
                  onChange={(trigger) => update({ ...draft, trigger })}
                />
              </Stack>
            </Paper>
            <StepList
              steps={draft.steps}
              connectors={connectors}
              catalog={catalog}
              error={error}
              errorStep={errorStep}
              errorPath={errorPath}
              fieldErrors={fieldErrors}
              onChange={(steps) => update({ ...draft, steps })}
            />
            <Group>
              <Button type="submit" loading={saving}>
                {journey ? 'Save draft' : 'Create journey'}
              </Button>
            </Group>
          </Stack>
        </form>
        {journey && <VersionsPanel journey={journey} connectors={connectors} />}
      </Stack>
    </>
  );
}

import { Button, Code, CopyButton, Stack, Text, Title } from '@mantine/core';

/** Shows a tag-based connector's snippet with a button that copies it. */
export function ConnectorSnippet({ snippet }: { snippet: string }) {
  return (
    <Stack gap="xs" component="section" aria-labelledby="snippet-heading">
      <Title order={2} size="h4" id="snippet-heading">
        Site snippet
      </Title>
      <Text size="sm" c="dimmed">
        Paste this into every page of the site, before the closing head tag.
      </Text>
      <Code block data-testid="connector-snippet" style={{ overflowWrap: 'anywhere' }}>
        {snippet}
      </Code>
      <CopyButton value={snippet}>
        {({ copied, copy }) => (
          <Button variant="light" onClick={copy} w="fit-content">
            {copied ? 'Copied' : 'Copy snippet'}
          </Button>
        )}
      </CopyButton>
    </Stack>
  );
}

import { Stack, Table, Text, Title } from '@mantine/core';
import type { CatalogEntry, Connector } from '../../api/types';

/** Shows stored settings with their schema titles, and credentials only as masked field names. */
export function ConnectorSettings({
  connector,
  entry,
}: {
  connector: Connector;
  entry?: CatalogEntry;
}) {
  const titleOf = (field: string, section: 'settings' | 'credentials') => {
    const schema = section === 'settings' ? entry?.settingsSchema : entry?.credentialsSchema;
    return schema?.properties?.[field]?.title ?? field;
  };
  const settings = Object.entries(connector.settings);
  const credentials = Object.keys(connector.credentials);

  return (
    <Stack gap="xs" component="section" aria-labelledby="settings-heading">
      <Title order={2} size="h4" id="settings-heading">
        Settings
      </Title>
      <Table withTableBorder variant="vertical" data-testid="connector-settings" layout="fixed">
        <Table.Tbody>
          {settings.map(([field, value]) => (
            <Table.Tr key={`settings-${field}`}>
              <Table.Th w="40%">{titleOf(field, 'settings')}</Table.Th>
              <Table.Td style={{ overflowWrap: 'anywhere' }}>
                {typeof value === 'string' ? value : JSON.stringify(value)}
              </Table.Td>
            </Table.Tr>
          ))}
          {credentials.map((field) => (
            <Table.Tr key={`credentials-${field}`}>
              <Table.Th w="40%">{titleOf(field, 'credentials')}</Table.Th>
              <Table.Td>
                <Text span c="dimmed" aria-label="stored, hidden">
                  ••••••••
                </Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Stack>
  );
}

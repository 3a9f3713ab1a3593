import { Stack, Table, Text, Title } from '@mantine/core';
import type { ErrorSample } from '../../api/types';

interface PartnerCodesTableProps {
  /** Failed attempts per partner code over the window. */
  codes: Record<string, number>;
  /** Recent error samples, newest first, for the partner's message of each code. */
  samples: ErrorSample[];
}

/** Lists partner error codes with their counts and the partner's message from the newest sample. */
export function PartnerCodesTable({ codes, samples }: PartnerCodesTableProps) {
  const rows = Object.entries(codes).sort(([, a], [, b]) => b - a);

  return (
    <Stack gap="xs" component="section" aria-labelledby="partner-codes-heading">
      <Title order={3} size="h5" id="partner-codes-heading">
        Partner error codes
      </Title>
      {rows.length === 0 ? (
        <Text size="sm" c="dimmed">
          The partner returned no error codes in this window.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={560}>
          <Table data-testid="partner-codes">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Code</Table.Th>
                <Table.Th scope="col" ta="right">
                  Failed attempts
                </Table.Th>
                <Table.Th scope="col">Partner message</Table.Th>
                <Table.Th scope="col">What to do</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(([code, count]) => {
                const sample = samples.find((candidate) => candidate.partnerCode === code);
                return (
                  <Table.Tr key={code}>
                    <Table.Th scope="row">{code}</Table.Th>
                    <Table.Td ta="right">{count.toLocaleString('en')}</Table.Td>
                    <Table.Td>
                      {sample?.partnerMessage ??
                        sample?.summary ??
                        'No recent sample has this code.'}
                    </Table.Td>
                    <Table.Td>{sample?.fix ?? ''}</Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

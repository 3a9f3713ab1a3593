import { Badge, Button, Code, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import { Fragment, useState } from 'react';
import type { ErrorSample } from '../../api/types';
import { ERROR_CATEGORY_COLORS } from './delivery-categories';

function formatJson(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

/** Lists the recent failed attempts, newest first, with the redacted request and response. */
export function ErrorSamplesTable({ samples }: { samples: ErrorSample[] }) {
  const [expanded, setExpanded] = useState<number>();

  return (
    <Stack gap="xs" component="section" aria-labelledby="samples-heading">
      <Title order={2} size="h4" id="samples-heading">
        Recent errors
      </Title>
      {samples.length === 0 ? (
        <Text size="sm" c="dimmed">
          No failed attempts recorded. The last 100 are kept.
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={820}>
          <Table data-testid="error-samples" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Time (UTC)</Table.Th>
                <Table.Th scope="col">Category</Table.Th>
                <Table.Th scope="col">HTTP</Table.Th>
                <Table.Th scope="col">Partner code</Table.Th>
                <Table.Th scope="col">Profiles</Table.Th>
                <Table.Th scope="col">What happened</Table.Th>
                <Table.Th scope="col">
                  <VisuallyHidden>Details</VisuallyHidden>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {samples.map((sample, index) => (
                <Fragment key={`${sample.at}-${index}`}>
                  <Table.Tr>
                    <Table.Td style={{ whiteSpace: 'nowrap' }}>
                      {sample.at.replace('T', ' ').replace(/\.\d+Z$|Z$/, '')}
                    </Table.Td>
                    <Table.Td>
                      <Badge
                        variant="light"
                        color={ERROR_CATEGORY_COLORS[sample.category] ?? 'gray'}
                      >
                        {sample.category.replace(/_/g, ' ')}
                      </Badge>
                    </Table.Td>
                    <Table.Td>{sample.httpStatus ?? '–'}</Table.Td>
                    <Table.Td>{sample.partnerCode ?? '–'}</Table.Td>
                    <Table.Td>{sample.batchSize.toLocaleString('en')}</Table.Td>
                    <Table.Td>
                      <Text size="sm">{sample.summary}</Text>
                      {sample.partnerMessage && (
                        <Text size="xs" c="dimmed">
                          Partner: {sample.partnerMessage}
                        </Text>
                      )}
                      <Text size="xs">{sample.fix}</Text>
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="compact-xs"
                        variant="subtle"
                        aria-expanded={expanded === index}
                        onClick={() => setExpanded(expanded === index ? undefined : index)}
                      >
                        {expanded === index ? 'Hide' : 'Request'}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                  {expanded === index && (
                    <Table.Tr>
                      <Table.Td colSpan={7}>
                        <Text size="xs" fw={600}>
                          Request (redacted)
                        </Text>
                        <Code block>{formatJson(sample.request)}</Code>
                        <Text size="xs" fw={600} mt="xs">
                          Response (redacted)
                        </Text>
                        <Code block>{formatJson(sample.response)}</Code>
                      </Table.Td>
                    </Table.Tr>
                  )}
                </Fragment>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

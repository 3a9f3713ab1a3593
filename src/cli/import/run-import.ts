import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Presets, SingleBar } from 'cli-progress';
import { Agent, request } from 'undici';
import {
  errorText,
  isErrorCode,
  mergeMapFlags,
  readMappingFile,
  type ColumnMapping,
} from './column-mapping.js';
import { ImportError } from './import-error.js';
import { formatSummaryTable, isImportSummary, type ImportSummary } from './import-summary.js';

export const IMPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

const CONTENT_TYPES: Record<ImportFormat, string> = {
  csv: 'text/csv',
  ndjson: 'application/x-ndjson',
};

const FORMAT_BY_EXTENSION: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.ndjson': 'ndjson',
  '.jsonl': 'ndjson',
};

const IMPORT_PATH = '/api/v1/profiles/import';

/** Error codes of a connection that never opened, as Node and undici 7 report them. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export interface ImportOptions {
  /** Base URL of the service, such as `http://127.0.0.1:8080`, without the `/api/v1` path. */
  url: string;
  /** API token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** Body format. When absent, it comes from the file extension. */
  format?: ImportFormat;
  /** Path of a JSON file that maps CSV headers to targets. */
  mapping?: string;
  /** `header=target` values that add to or override the mapping file, in order. */
  map?: string[];
  /** Shows the upload progress bar on `ImportIo.progressStream` (default true). */
  progress?: boolean;
  /** Prints the service's summary JSON instead of the table. */
  json?: boolean;
}

/** Output of one import run, so tests can capture it. */
export interface ImportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Terminal for the progress bar. Leave it undefined when stderr is not a TTY. */
  progressStream?: NodeJS.WritableStream;
}

/**
 * Uploads FILE to the import endpoint and prints the summary on stdout. Returns the exit code:
 * 0 on success, 1 after printing the failure on stderr.
 */
export async function runImport(
  file: string,
  options: ImportOptions,
  io: ImportIo,
): Promise<number> {
  try {
    const { summary, text } = await importFile(file, options, io);
    io.stdout(options.json ? `${text}\n` : formatSummaryTable(summary));

    return 0;
  } catch (error) {
    const message =
      error instanceof ImportError ? error.message : `import failed: ${errorText(error)}`;
    io.stderr(`activator import: ${message}\n`);

    return 1;
  }
}

/** Uploads the file and returns the summary, with the response text for `--json`. */
async function importFile(
  file: string,
  options: ImportOptions,
  io: ImportIo,
): Promise<{ summary: ImportSummary; text: string }> {
  const format = options.format ?? formatFromExtension(file);
  const endpoint = importEndpoint(options.url, await loadMapping(options));
  const size = await fileSize(file);
  const progressBar =
    options.progress !== false && io.progressStream
      ? startProgressBar(io.progressStream, size)
      : undefined;
  // A private agent, closed below, so no idle keep-alive socket keeps the CLI process alive.
  const agent = new Agent();
  try {
    const response = await upload(file, size, format, endpoint, options, agent, (sent) =>
      progressBar?.update(sent, { sent: formatBytes(sent) }),
    );
    const text = await response.body.text();

    return checkResponse(response.statusCode, text, options);
  } finally {
    progressBar?.stop();
    await agent.close();
  }
}

function formatFromExtension(file: string): ImportFormat {
  const format = FORMAT_BY_EXTENSION[path.extname(file).toLowerCase()];
  if (format === undefined) {
    throw new ImportError(
      `cannot tell the format of ${file} from its extension (.csv, .ndjson and .jsonl are known). Pass --format csv or --format ndjson.`,
    );
  }

  return format;
}

async function loadMapping(options: ImportOptions): Promise<ColumnMapping> {
  const base = options.mapping === undefined ? {} : await readMappingFile(options.mapping);

  return mergeMapFlags(base, options.map ?? []);
}

/** Builds the endpoint URL. An empty mapping adds no `mapping` query parameter. */
function importEndpoint(baseUrl: string, mapping: ColumnMapping): URL {
  const url = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new ImportError(
      `invalid --url value '${baseUrl}': expected an http:// or https:// URL such as http://127.0.0.1:8080.`,
    );
  }

  url.pathname = url.pathname.replace(/\/+$/, '') + IMPORT_PATH;
  url.search = '';
  if (Object.keys(mapping).length > 0) {
    url.searchParams.set('mapping', JSON.stringify(mapping));
  }

  return url;
}

async function fileSize(file: string): Promise<number> {
  try {
    const stats = await stat(file);
    if (!stats.isFile()) {
      throw new ImportError(`not a file: ${file}. Pass a CSV or NDJSON file.`);
    }

    return stats.size;
  } catch (error) {
    if (error instanceof ImportError) throw error;
    if (isErrorCode(error, 'ENOENT')) throw new ImportError(`file not found: ${file}`);
    throw new ImportError(`failed to read ${file}: ${errorText(error)}`, { cause: error });
  }
}

/** Streams the file as the request body and resolves with the response once its headers arrive. */
async function upload(
  file: string,
  size: number,
  format: ImportFormat,
  endpoint: URL,
  options: ImportOptions,
  agent: Agent,
  onProgress: (sentBytes: number) => void,
) {
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[format],
    'content-length': String(size),
    accept: 'application/json',
  };
  if (options.token !== undefined) {
    headers.authorization = `Bearer ${options.token}`;
  }

  let fileError: unknown;
  let sentBytes = 0;
  async function* readCounting(): AsyncGenerator<Buffer> {
    try {
      for await (const chunk of createReadStream(file)) {
        sentBytes += (chunk as Buffer).length;
        onProgress(sentBytes);
        yield chunk as Buffer;
      }
    } catch (error) {
      fileError = error;
      throw error;
    }
  }

  try {
    return await request(endpoint, {
      method: 'POST',
      headers,
      body: Readable.from(readCounting(), { objectMode: false }),
      dispatcher: agent,
      // The service sends its response only after it has stored every row, which takes longer for larger
      // files, so waiting for the response headers has no time limit. Ctrl-C stops the wait.
      headersTimeout: 0,
    });
  } catch (error) {
    if (fileError !== undefined) {
      throw new ImportError(`failed to read ${file}: ${errorText(fileError)}`, { cause: error });
    }
    throw connectionError(options.url, error);
  }
}

function connectionError(baseUrl: string, error: unknown): ImportError {
  const code = errorCode(error);
  if (code !== undefined && UNREACHABLE_CODES.has(code)) {
    return new ImportError(
      `cannot reach the service at ${baseUrl} (${code}). Is \`activator serve\` running?`,
      { cause: error },
    );
  }

  return new ImportError(
    `the connection to ${baseUrl} failed before the import summary arrived: ${errorText(error)}`,
    { cause: error },
  );
}

/** Reads the error code, also from the first attempt of a failed multi-address connect. */
function errorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  if (error instanceof AggregateError) return errorCode(error.errors[0]);

  return undefined;
}

function checkResponse(
  statusCode: number,
  text: string,
  options: ImportOptions,
): { summary: ImportSummary; text: string } {
  if (statusCode === 401) {
    throw new ImportError(
      options.token === undefined
        ? 'no API token was sent and the service requires one. Pass --token or set ACTIVATOR_API_TOKEN.'
        : 'the token was rejected; pass --token or set ACTIVATOR_API_TOKEN.',
    );
  }
  if (statusCode < 200 || statusCode >= 300) {
    throw new ImportError(`the import failed with HTTP ${statusCode}: ${errorMessage(text)}`);
  }

  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!isImportSummary(body)) {
    throw new ImportError(
      `the service at ${options.url} returned HTTP ${statusCode} without an import summary: ${truncate(text)}`,
    );
  }

  return { summary: body, text: text.trim() };
}

/** Returns the `message` of a JSON error body, or the start of any other body. */
function errorMessage(text: string): string {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'message' in body) {
      const { message } = body;
      if (typeof message === 'string' && message !== '') return message;
    }
  } catch {
    // Not JSON: the body itself is shown below.
  }

  return text.trim() === '' ? 'the response body was empty.' : truncate(text);
}

function truncate(text: string, maxLength = 200): string {
  const trimmed = text.trim();

  return trimmed.length > maxLength ? `${trimmed.slice(0, maxLength)}...` : trimmed;
}

function startProgressBar(stream: NodeJS.WritableStream, totalBytes: number): SingleBar {
  const bar = new SingleBar(
    {
      stream,
      format: 'Uploading [{bar}] {percentage}% | {sent} of {size}',
      // A hidden cursor would stay hidden after Ctrl-C, because the bar installs no signal handler.
      hideCursor: false,
    },
    Presets.shades_classic,
  );
  bar.start(totalBytes, 0, { sent: formatBytes(0), size: formatBytes(totalBytes) });

  return bar;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;

  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

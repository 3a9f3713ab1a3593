import type { ErrorCategory } from '../connector-type.js';

/** Outcome rule of an Azure Storage error code. */
export interface AzureErrorRule {
  category: ErrorCategory;
  retryable: boolean;
  explanation: string;
  fix: string;
}

/** A classified Azure error, with the code and message to report. */
export interface AzureErrorClassification extends AzureErrorRule {
  partnerCode?: string;
  partnerMessage?: string;
}

/** Error code of a Put Blob with `If-None-Match: *` for a name that exists; counted as success. */
export const BLOB_ALREADY_EXISTS_CODE = 'BlobAlreadyExists';

const RETRY_FIX = 'No action needed. Activator retries the upload with backoff.';
const REPORT_FIX = 'Report it as an Activator bug with this error sample.';
const CREDENTIALS_FIX =
  'Check the account key or create a new SAS token for the container, then update the connector credentials.';
const SAS_PERMISSION_FIX =
  'Create a SAS token with create and write permissions (sp=cw) for the container, over HTTPS, from an allowed IP range, then update the connector credentials.';

function credentialsRule(explanation: string, fix = CREDENTIALS_FIX): AzureErrorRule {
  return { category: 'invalid_credentials', retryable: false, explanation, fix };
}

function finalRule(explanation: string, fix: string): AzureErrorRule {
  return { category: 'partner_error', retryable: false, explanation, fix };
}

function retryRule(explanation: string): AzureErrorRule {
  return { category: 'partner_error', retryable: true, explanation, fix: RETRY_FIX };
}

/**
 * Azure Storage error codes that Put Blob and Get Container Properties can return, mapped to
 * outcomes. Codes and statuses follow "Azure Blob Storage error codes"
 * (https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes), and the
 * authentication codes the `StorageErrorCode` list of the azure_storage_blob crate. Authentication
 * and permission refusals pause the connector, because no retry succeeds until the operator
 * changes the credentials or the account.
 */
export const AZURE_ERROR_RULES: ReadonlyMap<string, AzureErrorRule> = new Map([
  [
    'NoAuthenticationInformation',
    credentialsRule('The request carried no SAS token or Shared Key signature.'),
  ],
  [
    'InvalidAuthenticationInfo',
    credentialsRule('Azure could not read the authentication information of the request.'),
  ],
  [
    'AuthenticationFailed',
    credentialsRule(
      'Azure rejected the signature: a wrong account key, or a SAS token that is invalid, expired or not yet valid.',
    ),
  ],
  [
    'AuthorizationFailure',
    credentialsRule('The credentials may not perform this operation.', SAS_PERMISSION_FIX),
  ],
  [
    'AuthorizationPermissionMismatch',
    credentialsRule('The SAS token lacks a permission this operation needs.', SAS_PERMISSION_FIX),
  ],
  [
    'AuthorizationServiceMismatch',
    credentialsRule('The SAS token is not valid for the Blob service.', SAS_PERMISSION_FIX),
  ],
  [
    'AuthorizationResourceTypeMismatch',
    credentialsRule('The SAS token is not valid for this resource type.', SAS_PERMISSION_FIX),
  ],
  [
    'AuthorizationProtocolMismatch',
    credentialsRule(
      'The SAS token does not allow the protocol of the request.',
      SAS_PERMISSION_FIX,
    ),
  ],
  [
    'AuthorizationSourceIPMismatch',
    credentialsRule(
      'The SAS token does not allow the IP address of Activator.',
      SAS_PERMISSION_FIX,
    ),
  ],
  [
    'InsufficientAccountPermissions',
    credentialsRule('The account does not allow this operation.', SAS_PERMISSION_FIX),
  ],
  [
    'AccountIsDisabled',
    credentialsRule(
      'The storage account is disabled.',
      'Enable the storage account in the Azure portal, then run the credential test.',
    ),
  ],
  [
    'ContainerNotFound',
    finalRule(
      'The container does not exist.',
      'Create the container in the storage account, or correct settings.container.',
    ),
  ],
  [
    'ContainerBeingDeleted',
    finalRule(
      'The container is being deleted.',
      'Create the container again, or set settings.container to another container.',
    ),
  ],
  [
    'ContainerDisabled',
    finalRule('The container is disabled.', 'Enable the container in the Azure portal.'),
  ],
  [
    'ResourceNotFound',
    finalRule(
      'Azure found no resource at the request path.',
      'Check account, container and baseUrl in the connector settings.',
    ),
  ],
  [
    BLOB_ALREADY_EXISTS_CODE,
    finalRule(
      'A blob with this name exists. Activator writes with If-None-Match: *, so an upload counts this as success.',
      'No action needed.',
    ),
  ],
  ['ConditionNotMet', finalRule('A condition header of the request was not met.', REPORT_FIX)],
  [
    'InvalidHeaderValue',
    finalRule(
      'Azure rejected the value of a request header.',
      'Check apiVersion in the connector settings. If it is right, report the error as an Activator bug.',
    ),
  ],
  [
    'MissingRequiredHeader',
    finalRule('The request lacks a header that Azure requires.', REPORT_FIX),
  ],
  [
    'InvalidQueryParameterValue',
    finalRule(
      'Azure rejected a query parameter of the request.',
      'Check the SAS token in the connector credentials.',
    ),
  ],
  [
    'InvalidResourceName',
    finalRule(
      'Azure rejected the container or blob name.',
      'Check settings.container, settings.prefix and the audience folder.',
    ),
  ],
  ['InvalidUri', finalRule('Azure could not read the request URL.', REPORT_FIX)],
  ['InvalidInput', finalRule('Azure rejected an input of the request as invalid.', REPORT_FIX)],
  [
    'RequestBodyTooLarge',
    finalRule(
      'The blob is larger than Put Blob accepts.',
      'Lower the batch size of the connector type and retry the activations.',
    ),
  ],
  ['Md5Mismatch', finalRule('The body does not match its Content-MD5.', REPORT_FIX)],
  ['InternalError', retryRule('Azure Storage had an internal error.')],
  ['OperationTimedOut', retryRule('The operation did not finish within the time Azure allows.')],
  ['ServerBusy', retryRule('Azure Storage is throttling the account or is busy.')],
]);

const UNKNOWN_FINAL_RULE = finalRule(
  'Azure returned an error code that Activator does not know.',
  "Read the partner message and look the code up in Azure Storage's error code reference.",
);

const UNKNOWN_SERVER_RULE: AzureErrorRule = {
  ...UNKNOWN_FINAL_RULE,
  retryable: true,
  fix: RETRY_FIX,
};

/** Maximum length of `partnerMessage`, so that an echoed request cannot fill the error log. */
const MAX_PARTNER_MESSAGE_LENGTH = 500;

/**
 * Classifies a failed Azure response. The code comes from the XML body
 * `<Error><Code>…</Code><Message>…</Message></Error>`, else from the `x-ms-error-code` header.
 * A known code follows its rule. An unknown code is a `partner_error`, retried when the HTTP
 * status is 5xx. Without a code, 401 and 403 are `invalid_credentials`, 429 and 5xx are `other`
 * and retried, and anything else is `other` and final.
 */
export function classifyAzureError(
  httpStatus: number,
  body: string,
  errorCodeHeader: string | undefined,
): AzureErrorClassification {
  const parsed = readErrorBody(body);
  const code = parsed.code ?? errorCodeHeader?.trim();
  if (!code) return classifyByHttpStatus(httpStatus);

  const isServerError = httpStatus >= 500 && httpStatus <= 599;
  const rule =
    AZURE_ERROR_RULES.get(code) ?? (isServerError ? UNKNOWN_SERVER_RULE : UNKNOWN_FINAL_RULE);
  const classification: AzureErrorClassification = { ...rule, partnerCode: code };
  const message = [parsed.message, parsed.authenticationDetail].filter(Boolean).join(' ');
  if (message !== '') classification.partnerMessage = cutMessage(message);

  return classification;
}

/** The fields of an Azure XML error body. */
export interface AzureErrorBody {
  code?: string;
  message?: string;
  authenticationDetail?: string;
}

/** Reads `Code`, `Message` and `AuthenticationErrorDetail` from an Azure XML error body. */
export function readErrorBody(body: string): AzureErrorBody {
  if (!/<Error>/.test(body)) return {};

  const result: AzureErrorBody = {};
  const code = readElementText(body, 'Code');
  if (code) result.code = code;
  const message = readElementText(body, 'Message');
  if (message) result.message = message;
  const detail = readElementText(body, 'AuthenticationErrorDetail');
  if (detail) result.authenticationDetail = detail;

  return result;
}

function readElementText(xml: string, name: string): string | undefined {
  const match = new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml);
  if (match === null) return undefined;

  return decodeXmlText(match[1] ?? '').trim();
}

function decodeXmlText(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function classifyByHttpStatus(httpStatus: number): AzureErrorClassification {
  if (httpStatus === 401 || httpStatus === 403) {
    return {
      category: 'invalid_credentials',
      retryable: false,
      explanation: `The request was rejected with HTTP ${httpStatus} without an Azure error code.`,
      fix: `${CREDENTIALS_FIX} Check any proxy set as baseUrl.`,
    };
  }
  if (httpStatus === 429 || (httpStatus >= 500 && httpStatus <= 599)) {
    return {
      category: 'other',
      retryable: true,
      explanation: `Azure responded with HTTP ${httpStatus} without an error code.`,
      fix: RETRY_FIX,
    };
  }

  return {
    category: 'other',
    retryable: false,
    explanation: `Azure responded with HTTP ${httpStatus} without an error code.`,
    fix: 'Check account, container and baseUrl in the connector settings. A proxy may have responded in place of Azure.',
  };
}

function cutMessage(message: string): string {
  if (message.length <= MAX_PARTNER_MESSAGE_LENGTH) return message;

  return `${message.slice(0, MAX_PARTNER_MESSAGE_LENGTH - 1)}…`;
}

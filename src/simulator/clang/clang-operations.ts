import { childText, findChild, type XmlElement } from '../../connectors/clang/xml-reader.js';
import type { PartnerAudience, SimulatorState } from '../simulator-state.js';
import {
  SIMULATED_CUSTOMER_FIELDS,
  type CustomerDirectory,
  type SimulatedCustomer,
} from './customer-directory.js';
import {
  ALREADY_MEMBER_FAULT,
  buildResultXml,
  ClangFault,
  CUSTOMER_NOT_FOUND_FAULT,
  GROUP_NOT_FOUND_FAULT,
  msgElement,
  writeElements,
} from './soap-messages.js';

/** Input of an operation: the simulator state, the customers and the call's parameters. */
export interface OperationContext {
  state: SimulatorState;
  directory: CustomerDirectory;
  parameters: XmlElement;
}

type Operation = (context: OperationContext) => string;

/**
 * Clang SOAP operations the simulator serves, by name. Each returns the response envelope or
 * throws `ClangFault`. Customers and groups are checked as Clang's WSDL 1.24 declares them.
 */
export const CLANG_OPERATIONS: ReadonlyMap<string, Operation> = new Map<string, Operation>([
  [
    'customer_getTotalNumberOfCustomers',
    ({ directory }) =>
      buildResultXml(
        'customer_getTotalNumberOfCustomers',
        0,
        msgElement(String(directory.customerCount)),
      ),
  ],
  [
    'customer_getByExternalId',
    ({ directory, parameters }) => {
      const externalId = requireText(parameters, 'externalId');

      return customerListResult('customer_getByExternalId', directory.findByExternalId(externalId));
    },
  ],
  [
    'customer_getByEmailAddress',
    ({ directory, parameters }) => {
      const email = requireText(parameters, 'emailAddress');

      return customerListResult('customer_getByEmailAddress', directory.findByEmailAddress(email));
    },
  ],
  [
    'customer_insert',
    ({ directory, parameters }) => {
      const customer = directory.insert(readCustomerFields(parameters));

      return buildResultXml('customer_insert', 0, msgElement(customerXml(customer), true));
    },
  ],
  [
    'customer_update',
    ({ directory, parameters }) => {
      const id = readCustomerId(parameters);
      const updated = directory.update(id, readCustomerFields(parameters));
      if (updated === undefined) throw customerNotFound();

      return buildResultXml('customer_update', 0, msgElement(customerXml(updated), true));
    },
  ],
  [
    'group_getById',
    ({ state, parameters }) => {
      const group = findGroup(state, requireText(parameters, 'groupId'));
      const groupXml = writeElements([
        ['id', group.id],
        ['name', group.name],
        ['customerCount', String(group.members.size)],
      ]);

      return buildResultXml('group_getById', 0, msgElement(groupXml, true));
    },
  ],
  [
    'group_addMember',
    ({ state, directory, parameters }) => {
      const { group, customer } = readMembership(state, directory, parameters);
      if (directory.isMember(group.id, customer.id)) {
        throw new ClangFault(String(ALREADY_MEMBER_FAULT.code), ALREADY_MEMBER_FAULT.message);
      }
      directory.addMember(group, customer);

      return buildResultXml('group_addMember', 0, msgElement('true'));
    },
  ],
  [
    'group_removeMember',
    ({ state, directory, parameters }) => {
      const { group, customer } = readMembership(state, directory, parameters);
      // NOTE: Clang's response for a customer that is not a member is not documented. The
      // simulator returns true, as for a member.
      directory.removeMember(group, customer);

      return buildResultXml('group_removeMember', 0, msgElement('true'));
    },
  ],
]);

function customerListResult(operation: string, customers: SimulatedCustomer[]): string {
  if (customers.length === 0) return buildResultXml(operation, 0, msgElement(undefined));
  const items = customers.map(
    (customer) => `<ns1:Customer>${customerXml(customer)}</ns1:Customer>`,
  );

  return buildResultXml(operation, 0, msgElement(items.join(''), true));
}

function customerXml(customer: SimulatedCustomer): string {
  return writeElements(SIMULATED_CUSTOMER_FIELDS.map((field) => [field, customer[field]]));
}

/** Reads the customer fields of `customer`. Unknown fields are ignored, `id` is left out. */
function readCustomerFields(parameters: XmlElement): Omit<SimulatedCustomer, 'id'> {
  const element = findChild(parameters, 'customer');
  if (element === undefined) throw missingParameter('customer');

  const fields: Partial<Record<string, string>> = {};
  for (const name of SIMULATED_CUSTOMER_FIELDS) {
    if (name === 'id') continue;
    const value = childText(element, name);
    if (value !== undefined) fields[name] = value;
  }

  return fields;
}

function readCustomerId(parameters: XmlElement): string {
  const element = findChild(parameters, 'customer');
  if (element === undefined) throw missingParameter('customer');
  const id = childText(element, 'id')?.trim() ?? '';
  if (!/^[0-9]{1,18}$/.test(id)) throw customerNotFound();

  return id;
}

function readMembership(
  state: SimulatorState,
  directory: CustomerDirectory,
  parameters: XmlElement,
): { group: PartnerAudience; customer: SimulatedCustomer } {
  const groupElement = findChild(parameters, 'group');
  if (groupElement === undefined) throw missingParameter('group');
  const group = findGroup(state, childText(groupElement, 'id')?.trim() ?? '');
  const customer = directory.get(readCustomerId(parameters));
  if (customer === undefined) throw customerNotFound();

  return { group, customer };
}

function findGroup(state: SimulatorState, groupId: string): PartnerAudience {
  const group = /^[0-9]{1,18}$/.test(groupId)
    ? state.findPartnerAudience('clang', groupId)
    : undefined;
  if (group === undefined) {
    throw new ClangFault(String(GROUP_NOT_FOUND_FAULT.code), GROUP_NOT_FOUND_FAULT.message);
  }

  return group;
}

function requireText(parameters: XmlElement, name: string): string {
  const value = childText(parameters, name)?.trim();
  if (!value) throw missingParameter(name);

  return value;
}

function customerNotFound(): ClangFault {
  return new ClangFault(String(CUSTOMER_NOT_FOUND_FAULT.code), CUSTOMER_NOT_FOUND_FAULT.message);
}

/** Returns the Client fault that PHP's SoapServer sends for a missing parameter. */
function missingParameter(name: string): ClangFault {
  return new ClangFault('Client', `SOAP-ERROR: Encoding: object has no '${name}' property`);
}

import { describe, expect, it } from 'vitest';
import {
  createFindBodyFields,
  createFindMissingField,
  createFindParameterForm,
} from '../../src/http/required-fields.ts';
import { describeFieldError } from '../../src/http/validation-messages.ts';

/** A contract with a required field in each place a request may leave one out. */
const DOCUMENT = {
  paths: {
    '/things/{thingId}': {
      parameters: [{ $ref: '#/components/parameters/ThingId' }],
      post: {
        operationId: 'makeThing',
        parameters: [
          {
            in: 'query',
            name: 'near',
            required: true,
            description: 'A point as `lat,lon`; needs `withinKm`.',
            schema: { type: 'string' },
          },
          { in: 'query', name: 'order', required: true, schema: { type: 'string', enum: ['asc', 'desc'] } },
        ],
        requestBody: {
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Thing' } } },
        },
      },
    },
  },
  components: {
    parameters: {
      ThingId: { in: 'path', name: 'thingId', required: true, schema: { $ref: '#/components/schemas/Id' } },
    },
    schemas: {
      Id: { type: 'string', description: 'The thing’s id. Case-sensitive.' },
      Thing: {
        allOf: [
          {
            type: 'object',
            required: ['reason', 'parts'],
            properties: {
              reason: { type: 'string', description: 'Why: at least three characters. Kept for good.' },
              parts: { type: 'array', items: { $ref: '#/components/schemas/Part' } },
            },
          },
        ],
      },
      Part: {
        type: 'object',
        required: ['code'],
        properties: { code: { type: 'string' } },
      },
    },
  },
};

describe('a required field left out', () => {
  const find = createFindMissingField(DOCUMENT);
  const said = (path: string) => {
    const name = path.split('/').at(-1) ?? '';
    const message = `must have required property '${name}'`;
    return describeFieldError(path, message, find('makeThing', path, message));
  };

  it('is said under the body it belongs to, with the first clause of its description', () => {
    expect(said('/body/reason')).toEqual({
      path: '/body/reason',
      message: 'is required: Why',
      said: 'body: `reason` is required: Why',
    });
    expect(said('/body/parts/2/code')).toEqual({
      path: '/body/parts/2/code',
      message: 'is required',
      said: 'body/parts/2: `code` is required',
    });
  });

  it('is said of a query or path parameter alike, with its description or its values', () => {
    expect(said('/query/near').said).toBe('query: `near` is required: A point as `lat,lon`');
    expect(said('/query/order').said).toBe('query: `order` is required: one of asc, desc');
    expect(said('/params/thingId').said).toBe('params: `thingId` is required: The thing’s id');
  });

  it('leaves any other error as the validator said it', () => {
    expect(find('makeThing', '/body/reason', 'must be string')).toBeUndefined();
    expect(describeFieldError('/body/reason', 'must be string', undefined)).toEqual({
      path: '/body/reason',
      message: 'must be string',
    });
  });

  it('is still said under its parent for an operation the contract does not describe', () => {
    const message = "must have required property 'reason'";
    expect(describeFieldError('/body/reason', message, find(undefined, '/body/reason', message)).said).toBe(
      'body: `reason` is required',
    );
  });
});

describe('a field the body does not take', () => {
  const fields = createFindBodyFields(DOCUMENT);
  const said = (path: string) =>
    describeFieldError(path, 'must NOT have unevaluated properties', undefined, {
      fields: fields('makeThing', path),
    });

  it('is named with the fields of the object that holds it, at any depth', () => {
    expect(said('/body/id')).toEqual({
      path: '/body/id',
      message: 'is not a field of this body; the fields it takes are reason, parts',
      said: '`id` is not a field of this body; the fields it takes are `reason`, `parts`',
    });
    expect(said('/body/parts/0/name').said).toBe(
      '`name` is not a field of body/parts/0; the fields it takes are `code`',
    );
  });

  it('is told to be left out where the contract names no fields', () => {
    expect(fields(undefined, '/body/x')).toBeUndefined();
    expect(describeFieldError('/body/x', 'must NOT have additional properties', undefined).said).toBe(
      '`x` is not a field of this body: leave it out',
    );
  });
});

describe('the form of a query or path parameter', () => {
  const form = createFindParameterForm(DOCUMENT);

  it('is the values it takes, else its description’s first clause', () => {
    expect(form('makeThing', '/query/order')).toBe('must be one of asc, desc');
    expect(form('makeThing', '/query/near')).toBe('is a point as `lat,lon`');
    expect(form('makeThing', '/params/thingId')).toBe('is the thing’s id');
    expect(form('makeThing', '/query/unknown')).toBeUndefined();
  });
});

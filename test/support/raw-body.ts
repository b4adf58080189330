/**
 * Sends a Buffer body as its bytes (`.serialize(asBytes)`): for a JSON media type, supertest would
 * write it as JSON (`{"type":"Buffer",…}`). Its types say a serializer returns a string; a Buffer is
 * written as well.
 */
export const asBytes = ((bytes: Buffer) => bytes) as unknown as (body: unknown) => string;

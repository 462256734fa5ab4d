import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { processState } from "@/lib/process-state";

const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
/** Validators by schema key (a tool version's schema never changes, so neither does its validator). */
const validators = processState("tools.validators", () => new Map<string, ValidateFunction>());

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 8)
    .map((e) => {
      const at = e.instancePath || "(arguments)";
      if (e.keyword === "additionalProperties")
        return `${at}: unknown property "${String(e.params.additionalProperty)}"`;
      if (e.keyword === "required")
        return `${at}: missing required property "${String(e.params.missingProperty)}"`;
      return `${at} ${e.message ?? "is invalid"}`;
    })
    .join("; ");
}

/** Problems with a tool's declared JSON Schema, or null when it is usable. */
export function schemaProblem(schema: unknown): string | null {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema))
    return "schema must be a JSON Schema object";
  if ((schema as { type?: unknown }).type !== "object")
    return 'schema must describe an object of named arguments ({ "type": "object", "properties": {…} })';
  if (!ajv.validateSchema(schema)) return `schema is not valid JSON Schema: ${describeErrors(ajv.errors)}`;
  try {
    ajv.compile(schema);
  } catch (error) {
    return `schema does not compile: ${error instanceof Error ? error.message : String(error)}`;
  }
  return null;
}

/** Checks call arguments against a tool's schema; the message is written for the model to fix its call. */
export function checkArguments(schemaKey: string, schema: object, args: unknown): string | null {
  const compiled = validators();
  let validate = compiled.get(schemaKey);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schemaKey, validate);
  }
  if (validate(args)) return null;
  return `Arguments do not match the tool's schema: ${describeErrors(validate.errors)}`;
}

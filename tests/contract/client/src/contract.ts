// The run-time half of the contract: every request body the client sends and every response
// the server answers is checked against the very document the types were generated from
// (status documented for the operation, content type listed, body valid against its schema).
// The compile-time half is tsc over generated/schema.d.ts. The checker knows the JSON Schema
// 2020-12 keywords an OpenAPI 3.1 document uses; a keyword it does not know is reported as a
// problem rather than skipped, so that the check never silently weakens.

import type { Middleware } from "openapi-fetch";

/** A JSON object. */
export type JsonObject = { [key: string]: unknown };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Keywords that only annotate: they never make a value invalid. */
const ANNOTATIONS = new Set([
  "description",
  "title",
  "example",
  "examples",
  "default",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "contentMediaType",
  "contentEncoding",
  "discriminator",
  "externalDocs",
  "xml",
]);

/** Keywords the checker validates. */
const ASSERTIONS = new Set([
  "$ref",
  "type",
  "enum",
  "const",
  "properties",
  "required",
  "additionalProperties",
  "propertyNames",
  "minProperties",
  "maxProperties",
  "items",
  "prefixItems",
  "minItems",
  "maxItems",
  "uniqueItems",
  "oneOf",
  "anyOf",
  "allOf",
  "not",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
]);

const RFC3339 =
  /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const INTEGER_FORMATS: Record<string, [number, number]> = {
  int8: [-(2 ** 7), 2 ** 7 - 1],
  int16: [-(2 ** 15), 2 ** 15 - 1],
  int32: [-(2 ** 31), 2 ** 31 - 1],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  uint8: [0, 2 ** 8 - 1],
  uint16: [0, 2 ** 16 - 1],
  uint32: [0, 2 ** 32 - 1],
  uint64: [0, Number.MAX_SAFE_INTEGER],
};

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) {
    const sorted: JsonObject = {};
    for (const key of Object.keys(value).sort()) sorted[key] = canonical(value[key]);
    return sorted;
  }
  return value;
}

/** The OpenAPI document, with schema checks and lookups by operation. */
export class OpenApiDocument {
  readonly root: JsonObject;

  constructor(root: unknown) {
    if (!isObject(root) || typeof root["openapi"] !== "string" || !isObject(root["paths"])) {
      throw new Error("not an OpenAPI document");
    }
    this.root = root;
  }

  /** Whether `other` is the same document (key order aside). */
  equals(other: unknown): boolean {
    return sameJson(this.root, other);
  }

  /** The value a local `$ref` (`#/…`) points at. */
  resolve(ref: string): unknown {
    if (!ref.startsWith("#/")) throw new Error(`non-local $ref ${ref}`);
    let node: unknown = this.root;
    for (const raw of ref.slice(2).split("/")) {
      const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
      if (!isObject(node) || !(key in node)) throw new Error(`dangling $ref ${ref}`);
      node = node[key];
    }
    return node;
  }

  /** Follows `$ref`s of a non-schema object (response, request body, parameter). */
  private deref(node: unknown): unknown {
    let seen = 0;
    while (isObject(node) && typeof node["$ref"] === "string") {
      if (++seen > 32) throw new Error("$ref loop");
      node = this.resolve(node["$ref"]);
    }
    return node;
  }

  /** The operation at `path` (as written in the document) and `method`. */
  operation(method: string, path: string): JsonObject | undefined {
    const paths = this.root["paths"];
    const item = isObject(paths) ? paths[path] : undefined;
    const operation = isObject(item) ? item[method.toLowerCase()] : undefined;
    return isObject(operation) ? operation : undefined;
  }

  /** The schema of an operation's JSON request body. */
  requestSchema(method: string, path: string): unknown {
    const operation = this.operation(method, path);
    const body = operation === undefined ? undefined : this.deref(operation["requestBody"]);
    const content = isObject(body) ? body["content"] : undefined;
    const media = isObject(content) ? this.deref(content["application/json"]) : undefined;
    if (!isObject(media)) throw new Error(`${method.toUpperCase()} ${path} has no JSON request body`);
    return media["schema"];
  }

  /** Problems of a `value` against `schema`, each prefixed with its location. */
  check(schema: unknown, value: unknown, at: string): string[] {
    const problems: string[] = [];
    this.walk(schema, value, at, problems, 0);
    return problems;
  }

  private walk(schema: unknown, value: unknown, at: string, out: string[], depth: number): void {
    if (depth > 64) {
      out.push(`${at}: schema nests too deep (a $ref loop?)`);
      return;
    }
    if (schema === true) return;
    if (schema === false) {
      out.push(`${at}: no value is allowed here`);
      return;
    }
    if (!isObject(schema)) {
      out.push(`${at}: the schema is not an object: ${JSON.stringify(schema)}`);
      return;
    }
    for (const keyword of Object.keys(schema)) {
      if (!ANNOTATIONS.has(keyword) && !ASSERTIONS.has(keyword)) {
        out.push(`${at}: the checker does not know the schema keyword "${keyword}"`);
      }
    }
    const ref = schema["$ref"];
    if (typeof ref === "string") this.walk(this.resolve(ref), value, at, out, depth + 1);

    const type = schema["type"];
    if (type !== undefined) {
      const allowed = Array.isArray(type) ? type : [type];
      const actual = typeOf(value);
      const fits = allowed.some((t) => t === actual || (t === "number" && actual === "integer"));
      if (!fits) {
        out.push(`${at}: expected ${allowed.join(" or ")}, got ${actual} ${short(value)}`);
        return;
      }
    }
    const enumeration = schema["enum"];
    if (Array.isArray(enumeration) && !enumeration.some((e) => sameJson(e, value))) {
      out.push(`${at}: ${short(value)} is not one of ${JSON.stringify(enumeration)}`);
    }
    if ("const" in schema && !sameJson(schema["const"], value)) {
      out.push(`${at}: ${short(value)} is not ${JSON.stringify(schema["const"])}`);
    }

    for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
      const branches = schema[keyword];
      if (!Array.isArray(branches)) continue;
      const results = branches.map((branch, i) => {
        const sub: string[] = [];
        this.walk(branch, value, `${at}(${keyword}[${i}])`, sub, depth + 1);
        return sub;
      });
      const passing = results.filter((r) => r.length === 0).length;
      if (keyword === "allOf") {
        for (const r of results) out.push(...r);
      } else if (keyword === "anyOf" && passing === 0) {
        out.push(`${at}: matches no anyOf branch:`, ...results.flat().map((p) => `  ${p}`));
      } else if (keyword === "oneOf" && passing !== 1) {
        out.push(
          `${at}: matches ${passing} oneOf branches, not exactly one`,
          ...(passing === 0 ? results.flat().map((p) => `  ${p}`) : []),
        );
      }
    }
    if ("not" in schema) {
      const sub: string[] = [];
      this.walk(schema["not"], value, at, sub, depth + 1);
      if (sub.length === 0) out.push(`${at}: matches a schema it must not match`);
    }

    if (typeof value === "number") this.number(schema, value, at, out);
    if (typeof value === "string") this.string(schema, value, at, out);
    if (Array.isArray(value)) this.array(schema, value, at, out, depth);
    if (isObject(value)) this.object(schema, value, at, out, depth);
  }

  private number(schema: JsonObject, value: number, at: string, out: string[]): void {
    const limit = (keyword: string, ok: (bound: number) => boolean) => {
      const bound = schema[keyword];
      if (typeof bound === "number" && !ok(bound)) out.push(`${at}: ${value} fails ${keyword} ${bound}`);
    };
    limit("minimum", (b) => value >= b);
    limit("maximum", (b) => value <= b);
    limit("exclusiveMinimum", (b) => value > b);
    limit("exclusiveMaximum", (b) => value < b);
    limit("multipleOf", (b) => Number.isInteger(value / b));
    const format = schema["format"];
    const range = typeof format === "string" ? INTEGER_FORMATS[format] : undefined;
    if (range !== undefined) {
      if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
        out.push(`${at}: ${value} is not a valid ${String(format)}`);
      }
    }
  }

  private string(schema: JsonObject, value: string, at: string, out: string[]): void {
    const length = [...value].length;
    const min = schema["minLength"];
    const max = schema["maxLength"];
    if (typeof min === "number" && length < min) out.push(`${at}: shorter than ${min}`);
    if (typeof max === "number" && length > max) out.push(`${at}: longer than ${max}`);
    const pattern = schema["pattern"];
    if (typeof pattern === "string" && !new RegExp(pattern, "u").test(value)) {
      out.push(`${at}: ${short(value)} does not match /${pattern}/`);
    }
    if (schema["format"] === "date-time" && !(RFC3339.test(value) && !Number.isNaN(Date.parse(value)))) {
      out.push(`${at}: ${short(value)} is not an RFC 3339 date-time`);
    }
  }

  private array(schema: JsonObject, value: unknown[], at: string, out: string[], depth: number): void {
    const min = schema["minItems"];
    const max = schema["maxItems"];
    if (typeof min === "number" && value.length < min) out.push(`${at}: fewer than ${min} items`);
    if (typeof max === "number" && value.length > max) out.push(`${at}: more than ${max} items`);
    if (schema["uniqueItems"] === true) {
      const seen = new Set(value.map((v) => JSON.stringify(canonical(v))));
      if (seen.size !== value.length) out.push(`${at}: items are not unique`);
    }
    const prefix = schema["prefixItems"];
    const prefixLength = Array.isArray(prefix) ? prefix.length : 0;
    value.forEach((item, i) => {
      if (Array.isArray(prefix) && i < prefix.length) {
        this.walk(prefix[i], item, `${at}[${i}]`, out, depth + 1);
      } else if ("items" in schema && i >= prefixLength) {
        this.walk(schema["items"], item, `${at}[${i}]`, out, depth + 1);
      }
    });
  }

  private object(schema: JsonObject, value: JsonObject, at: string, out: string[], depth: number): void {
    const properties = isObject(schema["properties"]) ? schema["properties"] : {};
    const required = schema["required"];
    if (Array.isArray(required)) {
      for (const name of required) {
        if (typeof name === "string" && !(name in value)) out.push(`${at}.${name}: required but missing`);
      }
    }
    const count = Object.keys(value).length;
    const minProperties = schema["minProperties"];
    const maxProperties = schema["maxProperties"];
    if (typeof minProperties === "number" && count < minProperties) out.push(`${at}: fewer than ${minProperties} properties`);
    if (typeof maxProperties === "number" && count > maxProperties) out.push(`${at}: more than ${maxProperties} properties`);
    for (const [name, item] of Object.entries(value)) {
      if ("propertyNames" in schema) this.walk(schema["propertyNames"], name, `${at}{${name}}`, out, depth + 1);
      if (name in properties) {
        this.walk(properties[name], item, `${at}.${name}`, out, depth + 1);
      } else if ("additionalProperties" in schema) {
        const extra = schema["additionalProperties"];
        if (extra === false) out.push(`${at}.${name}: not in the schema, which allows no other property`);
        else this.walk(extra, item, `${at}.${name}`, out, depth + 1);
      }
    }
  }

  /**
   * A middleware that checks, against this document, the JSON body of every request and, for
   * every response, that its status is documented for the operation, that its content type is
   * listed for that status, and that its body is valid. Problems go to `problems`.
   */
  middleware(problems: string[]): Middleware {
    return {
      onRequest: async ({ request, schemaPath }) => {
        const name = `${request.method} ${schemaPath}`;
        const operation = this.operation(request.method, schemaPath);
        if (operation === undefined) {
          problems.push(`${name}: no such operation in the document`);
          return undefined;
        }
        const text = request.body === null ? "" : await request.clone().text();
        const body = this.deref(operation["requestBody"]);
        if (text === "") {
          if (isObject(body) && body["required"] === true) problems.push(`${name}: the document requires a request body`);
          return undefined;
        }
        const content = isObject(body) ? body["content"] : undefined;
        const media = isObject(content) ? this.deref(content["application/json"]) : undefined;
        if (!isObject(media)) {
          problems.push(`${name}: the document lists no application/json request body`);
          return undefined;
        }
        const parsed: unknown = JSON.parse(text);
        problems.push(...this.check(media["schema"], parsed, `${name} request body`));
        return undefined;
      },
      onResponse: async ({ request, response, schemaPath }) => {
        const status = response.status;
        const name = `${request.method} ${schemaPath} → ${status}`;
        const operation = this.operation(request.method, schemaPath);
        const responses = operation === undefined ? undefined : operation["responses"];
        if (!isObject(responses)) {
          problems.push(`${name}: the operation documents no responses`);
          return undefined;
        }
        const documented =
          responses[String(status)] ?? responses[`${String(status).charAt(0)}XX`] ?? responses["default"];
        if (documented === undefined) {
          problems.push(
            `${name}: status ${status} is not documented (documented: ${Object.keys(responses).join(", ")}); ` +
              `body: ${short(await response.clone().text())}`,
          );
          return undefined;
        }
        const text = await response.clone().text();
        const described = this.deref(documented);
        const content = isObject(described) ? described["content"] : undefined;
        if (!isObject(content) || Object.keys(content).length === 0) {
          if (text !== "") problems.push(`${name}: the document says no body, the server sent ${short(text)}`);
          return undefined;
        }
        const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
        const media = this.deref(content[contentType]);
        if (!isObject(media)) {
          problems.push(
            `${name}: content type "${contentType}" is not documented (documented: ${Object.keys(content).join(", ")})`,
          );
          return undefined;
        }
        if (contentType === "application/json" || contentType.endsWith("+json")) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            problems.push(`${name}: the body is not JSON: ${short(text)}`);
            return undefined;
          }
          problems.push(...this.check(media["schema"], parsed, `${name} body`));
        }
        return undefined;
      },
    };
  }
}

function short(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

import { describe, expectTypeOf, it } from "vitest";
import type { Prisma as Postgres } from "./generated/postgres/client";
import type { Prisma as Sqlite } from "./generated/sqlite/client";

type Rows<Map extends { model: Record<string, { payload: { scalars: object } }> }> = {
  [Model in keyof Map["model"]]: Map["model"][Model]["payload"]["scalars"];
};

describe("generated clients", () => {
  it("have the same models, columns and column types for both providers (checked by tsc)", () => {
    expectTypeOf<Rows<Postgres.TypeMap>>().toEqualTypeOf<Rows<Sqlite.TypeMap>>();
    expectTypeOf<Postgres.TypeMap["meta"]["modelProps"]>().toEqualTypeOf<
      Sqlite.TypeMap["meta"]["modelProps"]
    >();
  });
});

import { z } from "zod";

const sha = z.string().regex(/^[0-9a-f]{64}$/, "a sha256 in hex");

export const saveBody = z.object({
  content: z.string(),
  baseSha256: sha.nullish(),
  create: z.boolean().optional(),
  message: z.string().trim().max(500).optional(),
});

export const renameBody = z.object({ to: z.string().min(1).max(200) });

export const restoreBody = z.object({ version: z.number().int().min(1), baseSha256: sha.nullish() });

export const baseQuery = sha.nullish();

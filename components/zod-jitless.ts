import { config } from "zod";

/**
 * Imported first by every client module that validates with zod. The CSP has no 'unsafe-eval', and
 * zod's JIT probes for `new Function` when a schema is defined: the browser reports that probe as a
 * CSP violation even though zod catches the throw. Without the JIT, zod never probes.
 */
config({ jitless: true });

import type { SourceFlag } from "@/lib/db/schemas/tools";
import { maskSecrets } from "@/lib/sandbox";

export type { SourceFlag };

const FLAGS: Array<{ id: SourceFlag["id"]; label: string; pattern: RegExp }> = [
  {
    id: "child_process",
    label: "starts other programs (child_process)",
    pattern: /["'](node:)?child_process["']|\bexecSync\b|\bspawnSync\b/,
  },
  {
    id: "network",
    label: "uses the network (net, http, https, dgram, tls, fetch, WebSocket)",
    pattern: /["'](node:)?(net|http|https|http2|dgram|tls|dns)["']|\bfetch\s*\(|\bWebSocket\b|["']undici["']/,
  },
  {
    id: "eval",
    label: "evaluates code from strings (eval, new Function, vm)",
    pattern: /\beval\s*\(|\bnew\s+Function\s*\(|["'](node:)?vm["']/,
  },
  { id: "env", label: "reads environment variables (process.env)", pattern: /\bprocess\.env\b/ },
  {
    id: "credentials",
    label: "reads credentials or the home folder (~/.ssh, id_rsa, ~/.aws, .env, .netrc, homedir())",
    pattern:
      /\.ssh\b|\bid_(rsa|ecdsa|ed25519|dsa)\b|\.aws\b|\.gnupg\b|\.kube\b|\.netrc\b|\.npmrc\b|\.pgpass\b|\.git-credentials\b|\.config\/(gh|gcloud)\b|[/'"`]\.env\b|\bhomedir\s*\(|\benv\.HOME\b|~\//,
  },
  {
    id: "dynamic_import",
    label: "imports modules at run time (dynamic import, require)",
    pattern: /\bimport\s*\(|\brequire\s*\(/,
  },
  {
    id: "filesystem_write",
    label: "writes or deletes files",
    pattern:
      /\b(writeFile|writeFileSync|appendFile|appendFileSync|rm|rmSync|unlink|unlinkSync|rename|renameSync|createWriteStream)\s*\(/,
  },
];

/** Hints shown beside Approve; they are not a gate — the sandbox is the boundary. */
export function scanFlags(source: string): SourceFlag[] {
  const lines = source.split("\n");
  const found: SourceFlag[] = [];
  for (const flag of FLAGS) {
    const hits = lines.flatMap((line, i) => (flag.pattern.test(line) ? [i + 1] : []));
    if (hits.length) found.push({ id: flag.id, label: flag.label, lines: hits.slice(0, 20) });
  }
  return found;
}

/** Lines that carry what looks like a literal API key or token; the tool would leak it wherever it is shown. */
export function scanSecrets(source: string, knownSecrets: string[]): number[] {
  const lines = source.split("\n");
  return lines.flatMap((line, i) => (maskSecrets(line, knownSecrets) !== line ? [i + 1] : []));
}

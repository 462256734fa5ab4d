import http from "node:http";

export interface RawResponse {
  status: number;
  body: string;
}

/**
 * A request with headers a browser or fetch would not let us forge (Host, Origin: null), and its path
 * sent as written: `/api/../sessions` is not resolved to `/sessions` on the way, as a URL would be.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  const afterAuthority = url.indexOf("/", url.indexOf("//") + 2);
  const target = {
    hostname: hostname.replace(/^\[|\]$/g, ""),
    port,
    path: afterAuthority === -1 ? "/" : url.slice(afterAuthority),
  };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...target, method: opts.method ?? "GET", headers: opts.headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        // An SSE stream never ends: the status and first bytes are enough.
        if (res.headers["content-type"]?.startsWith("text/event-stream")) res.destroy();
      });
      res.on("close", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    if (opts.body) req.write(opts.body);
    req.end();
  });
}

import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownPreview, safeHref } from "./markdown-preview";

const render = (markdown: string) => renderToStaticMarkup(createElement(MarkdownPreview, { markdown }));

describe("MarkdownPreview", () => {
  it("renders markdown structure", () => {
    const html = render("# Title\n\nSome **bold** and `code`.\n\n- [x] done\n- open\n\n```sh\nls -a\n```\n");
    expect(html).toContain("<h1");
    expect(html).toContain("<strong");
    expect(html).toContain("<code");
    expect(html).toContain('type="checkbox"');
    expect(html).toContain("ls -a");
  });

  it("never injects HTML from the skill text", () => {
    const html = render('<script>alert(1)</script>\n\nHi <img src=x onerror="alert(2)"> there\n');
    expect(html).not.toContain("<script");
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("drops links that are not http(s), mailto or in-page, and never fetches images", () => {
    const html = render(
      "[a](javascript:alert(1)) [b](https://example.com) [c](#top) ![pic](https://x.test/p.png)",
    );
    expect(html).not.toContain("javascript:");
    expect(html).toContain('href="https://example.com"');
    expect(html).toContain('href="#top"');
    expect(html).not.toContain("<img");
    expect(html).toContain("[image: pic]");
  });

  it("decodes entities once", () => {
    expect(render("a &amp; b &lt;c&gt;")).toContain("a &amp; b &lt;c&gt;");
  });
});

/** Row 37 (docs/security.md): links in a skill that would open another site or run script. */
describe("safeHref", () => {
  it.each([
    ["https://a.b", "https://a.b"],
    ["HTTPS://a.b/x?y#z", "HTTPS://a.b/x?y#z"],
    ["http://a.b", "http://a.b"],
    ["mailto:x@y", "mailto:x@y"],
    ["MailTo:x@y", "MailTo:x@y"],
    ["/skills", "/skills"],
    ["/skills/a?b#c", "/skills/a?b#c"],
    ["#x", "#x"],
    ["?tab=history", "?tab=history"],
    ["  /skills  ", "/skills"],
    ["/sk\tills", "/skills"],
    ["/%5cevil.example", "/%5cevil.example"],
  ])("allows %j as %j", (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });

  it.each([
    // another origin, spelled as a path
    "//evil.example",
    "//evil.example/p",
    "/\\evil.example/p",
    "\\/evil.example/p",
    "\\\\evil.example/p",
    "\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\u0000//evil.example",
    "///evil.example",
    "/\\/evil.example",
    // relative paths that do not start at the app's root
    "evil.example",
    "skills",
    "./skills",
    "../skills",
    // script and data, in every spelling
    "javascript:alert(1)",
    " JAVASCRIPT:x",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\tjavascript:alert(1)",
    "javascript\t:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "blob:https://a.b/x",
    "file:///etc/passwd",
    "ftp://a.b",
    "ws://a.b",
    "tel:123",
    "http\u0000://a.b",
    "",
    " ",
  ])("shows %j as text", (href) => {
    expect(safeHref(href)).toBeNull();
  });

  it("renders a refused link as its text, from markdown too", () => {
    for (const markdown of [
      "[skill](/\\evil.example/p)",
      "[x](//evil.example)",
      "[x](javascript:alert(1))",
      "[x](&#106;avascript:alert(1))",
      "[x](<java\tscript:alert(1)>)",
      "<javascript:alert(1)>",
    ]) {
      const html = render(markdown);
      expect(html, markdown).not.toContain("<a ");
      expect(html, markdown).not.toContain('evil.example/p"');
    }
    expect(render("[ok](/skills/x)")).toContain('href="/skills/x"');
  });
});

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

describe("safeHref", () => {
  it.each([
    ["https://a.b", "https://a.b"],
    ["mailto:x@y", "mailto:x@y"],
    ["/skills", "/skills"],
    ["#x", "#x"],
    ["//evil.test", null],
    ["javascript:alert(1)", null],
    [" JAVASCRIPT:x", null],
    ["data:text/html,x", null],
  ])("%j → %j", (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });
});

"use client";

/**
 * Markdown rendered with React from marked's tokens, never through innerHTML: raw HTML in a skill
 * shows as text, links work only for http(s), mailto and paths in this app, and images are not
 * fetched (a skill should not make the browser call out).
 */
import { marked, type Token, type Tokens } from "marked";
import { type ReactNode, useMemo } from "react";
import { cn } from "../ui/cn";

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0" };

function decode(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code.startsWith("#x") || code.startsWith("#X"))
      return safeChar(Number.parseInt(code.slice(2), 16), whole);
    if (code.startsWith("#")) return safeChar(Number.parseInt(code.slice(1), 10), whole);
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

function safeChar(code: number, fallback: string): string {
  return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : fallback;
}

/** An origin no link can name: where app-relative links must land when parsed against it. */
const APP_ORIGIN = "https://ratchet.invalid";
/** What URL parsers drop: tabs and newlines anywhere, C0 controls and spaces at either end. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters URL parsers ignore
const IGNORED_IN_URLS = /[\t\n\r]|^[\u0000-\u0020]+|[\u0000-\u0020]+$/g;

/**
 * The href a link may have, or null (the link is shown as text): an absolute http, https or
 * mailto URL, or a path in this app (`/x`, `#x`, `?x`) that cannot leave it — never `//x`,
 * `/\x` or `\\x` (browsers read a backslash as a slash), whatever the case, spacing or tabs.
 */
export function safeHref(href: string): string | null {
  const value = href.replace(IGNORED_IN_URLS, "");
  let url: URL;
  try {
    url = new URL(value, `${APP_ORIGIN}/`);
  } catch {
    return null;
  }
  if (/^(https?|mailto):/i.test(value))
    return ["http:", "https:", "mailto:"].includes(url.protocol) ? value : null;
  const relative = /^[/#?]/.test(value) && !/^[/\\]{2}/.test(value);
  return relative && url.origin === APP_ORIGIN ? value : null;
}

function inline(tokens: Token[] | undefined, key = "i"): ReactNode[] {
  return (tokens ?? []).map((token, i) => renderInline(token, `${key}-${i}`));
}

function renderInline(token: Token, key: string): ReactNode {
  switch (token.type) {
    case "text": {
      const t = token as Tokens.Text;
      return t.tokens ? <span key={key}>{inline(t.tokens, key)}</span> : decode(t.text);
    }
    case "escape":
      return decode((token as Tokens.Escape).text);
    case "strong":
      return (
        <strong key={key} className="font-semibold text-fg">
          {inline((token as Tokens.Strong).tokens, key)}
        </strong>
      );
    case "em":
      return <em key={key}>{inline((token as Tokens.Em).tokens, key)}</em>;
    case "del":
      return <del key={key}>{inline((token as Tokens.Del).tokens, key)}</del>;
    case "codespan":
      return (
        <code key={key} className="rounded bg-panel-2 px-1 py-px font-mono text-[0.92em] text-fg">
          {decode((token as Tokens.Codespan).text)}
        </code>
      );
    case "br":
      return <br key={key} />;
    case "link": {
      const t = token as Tokens.Link;
      const href = safeHref(t.href);
      const children = inline(t.tokens, key);
      if (!href) return <span key={key}>{children}</span>;
      const external = /^(https?:|mailto:)/i.test(href);
      return (
        <a
          key={key}
          href={href}
          title={t.title ?? undefined}
          className="text-accent-text underline underline-offset-2 hover:text-fg"
          {...(external ? { target: "_blank", rel: "noreferrer noopener" } : {})}
        >
          {children}
        </a>
      );
    }
    case "image": {
      const t = token as Tokens.Image;
      return (
        <span key={key} className="text-faint italic" title={t.href}>
          [image: {t.text || t.href}]
        </span>
      );
    }
    case "checkbox":
      return (
        <input
          key={key}
          type="checkbox"
          disabled
          checked={(token as Tokens.Checkbox).checked}
          className="mr-1.5 align-middle accent-accent"
          aria-label={(token as Tokens.Checkbox).checked ? "done" : "to do"}
        />
      );
    case "html":
      return (
        <code key={key} className="font-mono text-[0.92em] text-faint">
          {(token as Tokens.HTML).text}
        </code>
      );
    default:
      return "raw" in token ? decode(String(token.raw)) : null;
  }
}

const HEADINGS = [
  "mt-5 mb-2 text-lg font-semibold text-fg",
  "mt-5 mb-2 text-base font-semibold text-fg",
  "mt-4 mb-1.5 font-semibold text-fg",
  "mt-3 mb-1 font-medium text-fg",
  "mt-3 mb-1 font-medium text-muted",
  "mt-3 mb-1 font-medium text-muted",
];

function renderBlock(token: Token, key: string): ReactNode {
  switch (token.type) {
    case "space":
    case "def":
      return null;
    case "heading": {
      const t = token as Tokens.Heading;
      const level = Math.min(Math.max(t.depth, 1), 6);
      const Tag = `h${level}` as "h1";
      return (
        <Tag key={key} className={cn(HEADINGS[level - 1], "first:mt-0")}>
          {inline(t.tokens, key)}
        </Tag>
      );
    }
    case "paragraph":
      return (
        <p key={key} className="my-2 leading-6">
          {inline((token as Tokens.Paragraph).tokens, key)}
        </p>
      );
    case "text": {
      const t = token as Tokens.Text;
      return <span key={key}>{t.tokens ? inline(t.tokens, key) : decode(t.text)}</span>;
    }
    case "code": {
      const t = token as Tokens.Code;
      return (
        <pre
          key={key}
          className="my-3 overflow-x-auto rounded-md border border-line bg-canvas px-3 py-2 font-mono text-[12px] text-fg leading-5"
        >
          <code data-lang={t.lang || undefined}>{t.text}</code>
        </pre>
      );
    }
    case "blockquote":
      return (
        <blockquote key={key} className="my-3 border-line-strong border-l-2 pl-3 text-muted">
          {blocks((token as Tokens.Blockquote).tokens, key)}
        </blockquote>
      );
    case "list": {
      const t = token as Tokens.List;
      const items = t.items.map((item, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: list items have no identity but their place
        <li key={`${key}-${i}`} className={cn("pl-1", item.task && "list-none")}>
          {item.loose ? blocks(item.tokens, `${key}-${i}`) : looseless(item.tokens, `${key}-${i}`)}
        </li>
      ));
      return t.ordered ? (
        <ol
          key={key}
          start={t.start === "" ? undefined : t.start}
          className="my-2 list-decimal space-y-1 pl-6"
        >
          {items}
        </ol>
      ) : (
        <ul key={key} className="my-2 list-disc space-y-1 pl-6">
          {items}
        </ul>
      );
    }
    case "table": {
      const t = token as Tokens.Table;
      const align = (i: number) => t.align[i] ?? undefined;
      return (
        <div key={key} className="my-3 overflow-x-auto">
          <table className="w-full border-collapse text-sm">
            <thead>
              <tr>
                {t.header.map((cell, i) => (
                  <th
                    // biome-ignore lint/suspicious/noArrayIndexKey: table columns have no identity
                    key={i}
                    style={{ textAlign: align(i) }}
                    className="border-line border-b px-2 py-1 text-left font-medium text-fg"
                  >
                    {inline(cell.tokens, `${key}-h${i}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {t.rows.map((row, r) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: table rows have no identity
                <tr key={r}>
                  {row.map((cell, i) => (
                    <td
                      // biome-ignore lint/suspicious/noArrayIndexKey: table columns have no identity
                      key={i}
                      style={{ textAlign: align(i) }}
                      className="border-line border-b px-2 py-1 align-top"
                    >
                      {inline(cell.tokens, `${key}-${r}-${i}`)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case "hr":
      return <hr key={key} className="my-4 border-line" />;
    case "html":
      return (
        <pre key={key} className="my-2 whitespace-pre-wrap font-mono text-[12px] text-faint">
          {(token as Tokens.HTML).text}
        </pre>
      );
    default:
      return renderInline(token, key);
  }
}

/** A tight list item's text runs inline; anything else is a block. */
function looseless(tokens: Token[], key: string): ReactNode[] {
  return tokens.map((token, i) =>
    token.type === "text" || token.type === "checkbox"
      ? renderInline(token, `${key}-${i}`)
      : renderBlock(token, `${key}-${i}`),
  );
}

function blocks(tokens: Token[], key = "b"): ReactNode[] {
  return tokens.map((token, i) => renderBlock(token, `${key}-${i}`));
}

export function MarkdownPreview({ markdown, className }: { markdown: string; className?: string }) {
  const tokens = useMemo(() => marked.lexer(markdown, { gfm: true }), [markdown]);
  return (
    <div className={cn("text-base text-muted [overflow-wrap:anywhere]", className)}>{blocks(tokens)}</div>
  );
}

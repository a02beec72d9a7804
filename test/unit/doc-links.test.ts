/**
 * Every relative link in README.md and docs/ points at a file of the
 * repository, and every `#anchor` at a heading of its target (slugged as
 * GitHub does), so moving a section cannot leave a dead link behind. Links in
 * code blocks and inline code are not links.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import GithubSlugger from 'github-slugger';
import { describe, expect, it } from 'vitest';

const repoRoot = join(import.meta.dirname, '..', '..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith('.md') ? [path] : [];
  });
}

/** The text a reader sees as prose: fenced code blocks and inline code taken out. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The anchors of a Markdown file's headings, as GitHub makes them (duplicates get -1, -2…). */
function anchors(file: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = readFileSync(file, 'utf8').replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?)\s*#*$/gm);
  return new Set([...headings].map(([, text]) => slugger.slug((text ?? '').replace(/[`*_]|\[([^\]]*)\]\([^)]*\)/g, '$1'))));
}

const files = [join(repoRoot, 'README.md'), ...markdownFiles(join(repoRoot, 'docs'))];

describe('documentation links', () => {
  it('finds the documents', () => {
    expect(files.length).toBeGreaterThan(10);
  });

  it.each(files.map((file) => [relative(repoRoot, file), file]))('%s: every relative link and anchor resolves', (_, file) => {
    const broken: string[] = [];
    let links = 0;
    for (const [, target] of prose(readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      if (!target || /^[a-z][a-z+.-]*:/i.test(target)) continue;
      links += 1;
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const resolved = path ? resolve(dirname(file), decodeURI(path)) : file;
      if (!resolved.startsWith(repoRoot) || !existsSync(resolved)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (anchor && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) broken.push(`${target}: no such heading`);
    }
    expect(broken, `${links} links checked`).toEqual([]);
  });
});

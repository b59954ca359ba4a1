/** Saves `text` as a file through the browser's download (no server round trip). */
export function downloadText(filename: string, text: string, type = 'text/markdown'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the object URL; release it after this task.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The Markdown body after a YAML frontmatter block (the whole text when there is none). */
export function markdownBody(markdown: string): string {
  return markdown.replace(/^---\r?\n[\s\S]*?\r?\n---[ \t]*(\r?\n|$)/, '');
}

'use client';
// Markdown of model answers, user messages and titles. Model output is untrusted: raw HTML is never rendered
// (react-markdown escapes it; rehype-sanitize strips anything unsafe that a plugin might produce), URLs pass
// react-markdown's defaultUrlTransform (javascript:, data: … become empty), and links open in a new tab without
// access to this page.
import { type ComponentProps, memo, useMemo } from 'react';
import ReactMarkdown, { type Components, defaultUrlTransform } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { splitMarkdownBlocks } from '../lib/markdown-blocks';

interface MdNode {
  type: string;
  value?: string;
  children?: MdNode[];
}

/** Raw HTML in the source is shown as the text it is (a model writing `<div>` means the characters). */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(walk);
  };
  return walk;
}

const remarkPlugins = [remarkGfm, remarkHtmlAsText];
// Sanitise first, then highlight: the highlighter only adds spans with hljs-* classes to sanitised code.
const rehypePlugins: ComponentProps<typeof ReactMarkdown>['rehypePlugins'] = [
  rehypeSanitize,
  [rehypeHighlight, { detect: false }],
];

const components: Components = {
  a: ({ node: _node, href, children, ...rest }) =>
    href ? (
      <a {...rest} href={href} target="_blank" rel="noopener noreferrer">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    ),
  // Wide tables scroll inside the message instead of widening the page.
  table: ({ node: _node, ...rest }) => (
    <div className="md-table">
      <table {...rest} />
    </div>
  ),
  img: ({ node: _node, alt }) => <span className="muted">[image{alt ? `: ${alt}` : ''}]</span>,
};

const Block = memo(function Block({ source }: { source: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPlugins}
      rehypePlugins={rehypePlugins}
      components={components}
      urlTransform={defaultUrlTransform}
    >
      {source}
    </ReactMarkdown>
  );
});

interface Props {
  text: string;
  className?: string;
  'data-testid'?: string;
}

/**
 * Renders `text` block by block; a block that did not change since the last render is not rendered again, so a
 * streaming answer only re-renders its last block (no flicker, no re-highlighting of finished code).
 */
export function Markdown({ text, className, 'data-testid': testId }: Props) {
  const blocks = useMemo(() => splitMarkdownBlocks(text), [text]);
  return (
    <div className={`md${className ? ` ${className}` : ''}`} data-testid={testId}>
      {blocks.map((block, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: blocks only ever grow at the end
        <Block key={index} source={block} />
      ))}
    </div>
  );
}

/** One line of inline Markdown (session titles, previews): emphasis and code only; links show their text. */
export function InlineMarkdown({ text }: { text: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPlugins}
      rehypePlugins={[rehypeSanitize]}
      allowedElements={['p', 'strong', 'em', 'code', 'del', 'a']}
      unwrapDisallowed
      urlTransform={defaultUrlTransform}
      // Links and paragraphs keep only their text: a title or preview is one line, and a click selects the item.
      components={{ p: ({ children }) => <>{children}</>, a: ({ children }) => <>{children}</> }}
    >
      {text}
    </ReactMarkdown>
  );
}

// A tiny element builder: the views write DOM directly (no framework needed).

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: {
    className?: string;
    text?: string;
    title?: string;
    attrs?: Record<string, string>;
  } = {},
  children: Node[] = []
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (props.className) {
    node.className = props.className;
  }
  if (props.text !== undefined) {
    node.textContent = props.text;
  }
  if (props.title) {
    node.title = props.title;
  }
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    node.setAttribute(name, value);
  }
  node.append(...children);
  return node;
}

/** Text where `backquoted` parts become <code> (hints name commands and files). */
export function richText(text: string): Node[] {
  return text
    .split('`')
    .map((part, i) =>
      i % 2 === 1 ? h('code', { text: part }) : document.createTextNode(part)
    );
}

// czar web's DOM helpers, shared by the page's scripts (inlined as one script, this file first). Every text from a
// fleet goes in through text nodes (never as HTML) after its control characters are pictured, so a worker's words
// cannot become markup or terminal tricks.
'use strict';
/* exported visible, el, nodes */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

/** The text with every control but TAB and LF pictured (ESC as ␛), as the terminal views show it. */
function visible(text) {
  return String(text).replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\u241b' + String.fromCharCode(code - 0x40);
  });
}

/** An element with attributes (class, data-*, ...) and children: strings become text nodes. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== false) node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...nodes(...children));
  return node;
}

/**
 * Children for `append` or `replaceChildren`: arrays flattened, absent parts (undefined, null, false, '') left out,
 * since the DOM would print them as "undefined" or "[object HTMLParagraphElement]", and text pictured.
 */
function nodes(...children) {
  return children
    .flat()
    .filter((child) => child !== undefined && child !== null && child !== false && child !== '')
    .map((child) => (typeof child === 'string' || typeof child === 'number' ? visible(child) : child));
}

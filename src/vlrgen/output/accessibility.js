// vlrgen's own page checks, run in the browser after axe-core (output/accessibility.py).
// Returns [{rule, target, message}] for what axe's WCAG rules do not decide on their own.
() => {
  const found = [];
  const add = (rule, el, message) => found.push({rule, target: describe(el), message});
  const shown = el => el.getClientRects().length > 0;
  const text = el => (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 80);

  function rgb(css) {
    const [r, g, b, a] = (css.match(/[\d.]+/g) || []).map(Number);
    return {r, g, b, a: a === undefined ? 1 : a, css};
  }
  function luminance({r, g, b}) {
    const linear = c => (c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
  }
  function contrast(a, b) {
    const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
  }
  // The nearest opaque background colour of the element or its ancestors; null when one of them
  // paints an image or a translucent colour (then axe's own rule, or a person, has to judge).
  function backgroundOf(el) {
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.backgroundImage !== 'none') return null;
      const colour = rgb(style.backgroundColor);
      if (colour.a === 1) return colour;
      if (colour.a > 0) return null;
    }
    return rgb('rgb(255, 255, 255)');
  }

  function describe(el) {
    if (!el || el === document) return 'document';
    if (el.id) return `${el.tagName.toLowerCase()}#${el.id}`;
    const parts = [];
    for (let node = el; node && node.nodeType === 1 && node !== document.documentElement; node = node.parentElement) {
      if (node.id) { parts.unshift(`${node.tagName.toLowerCase()}#${node.id}`); break; }
      const siblings = node.parentElement ? [...node.parentElement.children].filter(c => c.tagName === node.tagName) : [];
      const index = siblings.length > 1 ? `:nth-of-type(${siblings.indexOf(node) + 1})` : '';
      const cls = typeof node.className === 'string' && node.className.trim() ? '.' + node.className.trim().split(/\s+/)[0] : '';
      parts.unshift(node.tagName.toLowerCase() + cls + index);
    }
    return parts.join(' > ');
  }

  // One h1, and heading levels that never skip one on the way down.
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(shown);
  const ones = headings.filter(h => h.tagName === 'H1');
  if (ones.length !== 1) {
    add('one-h1', ones[1] || document.body, `the page has ${ones.length} h1 headings; it should have exactly one`);
  }
  let previous = 0;
  for (const heading of headings) {
    const level = Number(heading.tagName[1]);
    if (level > previous + 1) {
      add('heading-levels', heading, `h${level} "${text(heading)}" follows ${previous ? 'h' + previous : 'the top of the page'}: a heading level is skipped`);
    }
    previous = level;
  }

  // Charts: a name (<title>) and a description (<desc>), which WeasyPrint and screen readers use.
  for (const svg of document.querySelectorAll('svg')) {
    if (svg.closest('[aria-hidden="true"]') || svg.parentElement.closest('svg')) continue;
    const child = tag => [...svg.children].find(c => c.localName === tag && c.textContent.trim());
    if (!child('title')) add('svg-title', svg, 'chart without a <title>: no name for screen readers and no /Alt in the PDF');
    if (!child('desc')) add('svg-desc', svg, 'chart without a <desc>: no description of what it shows');
    if (svg.getAttribute('role') !== 'img') add('svg-role', svg, 'chart without role="img": screen readers read its labels one by one');
  }

  // Short text on a colour of its own (a goal number on its SDG colour): axe leaves text of one to
  // three characters undecided, so its contrast is computed here (WCAG 1.4.3: 4.5:1, large text 3:1).
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.textContent.trim();
    const el = node.parentElement;
    if (!value || value.length > 3 || !shown(el)) continue;
    const style = getComputedStyle(el);
    const background = backgroundOf(el);
    if (!background) continue;
    const ratio = contrast(rgb(style.color), background);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < needed) {
      add('short-text-contrast', el, `"${value}" has contrast ${ratio.toFixed(2)}:1 (${style.color} on ${background.css}); at least ${needed}:1 is needed`);
    }
  }

  // Tables: header cells say what they head.
  for (const th of document.querySelectorAll('th')) {
    if (!th.hasAttribute('scope') && !th.id) add('th-scope', th, `header cell "${text(th)}" without scope`);
  }

  // Images: text alternatives present (axe checks that alt exists; an empty alt is only for decoration).
  for (const img of document.querySelectorAll('img.cover-logo')) {
    if (!(img.getAttribute('alt') || '').trim()) add('logo-alt', img, 'the logo has an empty alt: it should name the organisation');
  }

  // A navigation bar before the content: the first thing the keyboard reaches skips it.
  const main = document.querySelector('main');
  const nav = document.querySelector('nav');
  if (main && nav && (nav.compareDocumentPosition(main) & Node.DOCUMENT_POSITION_FOLLOWING)) {
    const first = document.querySelector('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])');
    const target = first && first.getAttribute('href') && first.getAttribute('href').startsWith('#')
      ? document.getElementById(first.getAttribute('href').slice(1)) : null;
    if (!target) add('skip-link', first || document.body, 'the first focusable element is not a link that skips to the content');
  }

  // Links to the same page in another language say which language, in that language.
  for (const link of document.querySelectorAll('a[hreflang]')) {
    const lang = link.getAttribute('hreflang');
    const marked = link.closest(`[lang="${lang}"]`) || link.querySelector(`[lang="${lang}"]`);
    if (!marked) add('language-link', link, `link to the ${lang} version without lang="${lang}" on its text`);
  }
  return found;
}

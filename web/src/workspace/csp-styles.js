// CodeMirror styles itself through style-mod, which in a document (as opposed to a shadow
// root) writes its rules into a new <style> element. The page's Content-Security-Policy
// (`style-src 'self'`, no 'unsafe-inline') blocks that element, so the editor would render
// unstyled and Chromium would log a violation. This module makes style-mod use a
// constructable stylesheet (CSSOM, which the policy allows) for documents too — what
// style-mod itself does for shadow roots — keeping its ordering rules: a module mounted later
// in a list goes after the ones before it.
import { StyleModule } from "style-mod";

const sets = new WeakMap();

function sheetFor(root) {
  let set = sets.get(root);
  if (!set) {
    const view = (root.ownerDocument || root).defaultView;
    set = { sheet: new view.CSSStyleSheet(), modules: [] };
    sets.set(root, set);
  }
  return set;
}

StyleModule.mount = function mount(root, modules) {
  const set = sheetFor(root);
  const list = Array.isArray(modules) ? modules : [modules];
  let pos = 0; // rule offset in the sheet
  let j = 0; // index into set.modules
  for (const mod of list) {
    let index = set.modules.indexOf(mod);
    if (index < j && index > -1) {
      // Ordering conflict: mount it again at its new place.
      set.modules.splice(index, 1);
      j--;
      index = -1;
    }
    if (index === -1) {
      set.modules.splice(j++, 0, mod);
      for (const rule of mod.rules) set.sheet.insertRule(rule, pos++);
    } else {
      while (j < index) pos += set.modules[j++].rules.length;
      pos += mod.rules.length;
      j++;
    }
  }
  if (!root.adoptedStyleSheets.includes(set.sheet)) {
    // Adopted sheets come after the page's own in the cascade; app.css overrides the
    // editor's defaults with more specific selectors where it needs to.
    root.adoptedStyleSheets = [set.sheet, ...root.adoptedStyleSheets];
  }
};

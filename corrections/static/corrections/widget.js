/*
 * Newsdesk correction widget: highlight text in the article and press Ctrl+Enter
 * (⌘+Enter on macOS), or use the gettext("Suggest a correction") button (on a touch screen it
 * floats by the selection); gettext("Write to us") sends a request about the whole article.
 * No dependencies.
 *
 * <script src=".../static/corrections/widget.js" defer
 *   data-api-base="https://desk.example.com/api/v1" data-article-slug="harbour-bridge"
 *   data-container="#article-body" data-article-version="3"></script>
 *
 * On the newsroom's own pages leave out data-article-slug: the widget finds the article
 * by the page's <link rel="canonical"> (or a data-article-url on the script tag or any
 * element), asking GET {api}/articles/?url=…; a page Newsdesk does not track stays as it is.
 *
 * Reader input is only ever put on the page with textContent, never as HTML.
 */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script) return;
  var cfg = script.dataset;
  var API = (cfg.apiBase || "/api/v1").replace(/\/+$/, "");
  var SLUG = cfg.articleSlug || "";
  var VERSION = parseInt(cfg.articleVersion || "", 10) || null;
  var CONTEXT = 32;
  var MAC = /Mac|iPhone|iPad|iPod/.test(navigator.platform || navigator.userAgent || "");
  var KEYS = MAC ? "⌘+Enter" : "Ctrl+Enter";
  var BLOCK = /^(ADDRESS|ARTICLE|ASIDE|BLOCKQUOTE|DD|DIV|DL|DT|FIGCAPTION|FIGURE|FOOTER|H[1-6]|HEADER|HR|LI|MAIN|OL|P|PRE|SECTION|TABLE|TD|TH|TR|UL)$/;
  var SKIP = /^(SCRIPT|STYLE|NOSCRIPT|TEMPLATE|BUTTON|TEXTAREA|INPUT|SELECT)$/;
  function categories() { return [["typo", gettext("Typo or spelling")], ["factual", gettext("Factual error")], ["legal", gettext("Legal problem (privacy, defamation)")], ["clarification", gettext("Unclear")], ["other", gettext("Something else")]]; }
  var CSS =
    ".nd-backdrop{position:fixed;inset:0;background:rgba(0,0,0,.45);z-index:2147483000;display:flex;align-items:center;justify-content:center;padding:1rem}" +
    ".nd-dialog{background:#fff;color:#1b1b1b;max-width:34rem;width:100%;max-height:90vh;overflow:auto;border-radius:6px;padding:1.25rem 1.5rem;font:16px/1.5 system-ui,sans-serif;box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
    ".nd-dialog h2{margin:0 0 .75rem;font-size:1.25rem}.nd-dialog label{display:block;margin:.75rem 0 .25rem;font-weight:600}" +
    ".nd-dialog textarea,.nd-dialog input,.nd-dialog select{width:100%;box-sizing:border-box;font:inherit;padding:.4rem}" +
    ".nd-quote{background:#f4f4ef;border-left:4px solid #13294b;padding:.5rem .75rem;margin:0;white-space:pre-wrap}" +
    ".nd-quote span{color:#666}.nd-quote mark{background:#ffe58a}.nd-error{color:#b3261e}" +
    ".nd-actions{margin-top:1rem;display:flex;gap:.5rem;justify-content:flex-end}.nd-actions button{font:inherit;padding:.4rem 1rem}" +
    ".nd-trap{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}" +
    ".nd-intro{margin:0}.nd-bar button{margin-right:.5rem}" +
    ".nd-float{position:absolute;z-index:2147482000;font:600 16px/1 system-ui,sans-serif;padding:.7rem 1rem;border:0;border-radius:999px;background:#13294b;color:#fff;box-shadow:0 2px 10px rgba(0,0,0,.35)}" +
    ".nd-toast{position:fixed;left:50%;bottom:1.5rem;transform:translateX(-50%);z-index:2147482500;max-width:min(32rem,90vw);background:#1b1b1b;color:#fff;padding:.75rem 1rem;border-radius:6px;font:15px/1.4 system-ui,sans-serif}" +
    ".nd-float[hidden],.nd-toast[hidden]{display:none}";
  function nothingSelected() {
    return gettext("Select the words you want to correct in the article, then press %s. To tell us about the article as a whole, use “Write to us”.").replace("%s", KEYS);
  }

  // The reader's language: the desk's catalogue for the browser's Accept-Language, English without it.
  var catalog = {};
  function gettext(text) {
    var found = catalog[text];
    return typeof found === "string" && found ? found : text;
  }

  var container = null;
  var lastRange = null;
  var dialog = null;
  var floating = null;
  var toast = null;
  var toastTimer = null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var name in attrs) if (Object.prototype.hasOwnProperty.call(attrs, name)) node.setAttribute(name, attrs[name]);
    if (text != null) node.textContent = text;
    return node;
  }

  function isBlock(node) {
    return node && node.nodeType === 1 && BLOCK.test(node.tagName);
  }

  // White space between blocks (the page's source indentation) is not part of the article's text.
  function ignorable(node) {
    var parent = node.parentNode;
    if (parent !== container && !isBlock(parent)) return false;
    return !node.previousSibling || isBlock(node.previousSibling) || !node.nextSibling || isBlock(node.nextSibling);
  }

  // The container's text as the server stores it: blocks apart by a blank line, <br> a line break.
  function linearize() {
    var text = "", nodes = [], pending = "";
    function gap(s) {
      if (text && s.length > pending.length) pending = s;
    }
    (function walk(parent) {
      for (var child = parent.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) {
          if (!/\S/.test(child.data) && ignorable(child)) continue;
          text += pending;
          pending = "";
          nodes.push({ node: child, start: text.length });
          text += child.data;
        } else if (child.nodeType === 1 && !SKIP.test(child.tagName) && !child.hasAttribute("data-newsdesk-ignore")) {
          if (child.tagName === "BR") {
            if (text) pending += "\n";
          } else if (isBlock(child)) {
            gap("\n\n");
            walk(child);
            gap("\n\n");
          } else {
            walk(child);
          }
        }
      }
    })(container);
    return { text: text, nodes: nodes };
  }

  function offsetOf(lin, node, offset) {
    for (var i = 0; i < lin.nodes.length; i++) {
      var item = lin.nodes[i];
      if (item.node === node) return item.start + Math.min(offset, item.node.data.length);
      var range = document.createRange();
      range.selectNodeContents(item.node);
      if (range.comparePoint(node, offset) < 0) return item.start;
    }
    return lin.text.length;
  }

  // The selection as a W3C TextQuoteSelector plus a position hint, or null.
  function describe(range) {
    if (!range || range.collapsed || !range.intersectsNode(container)) return null;
    var lin = linearize();
    var start = offsetOf(lin, range.startContainer, range.startOffset);
    var end = offsetOf(lin, range.endContainer, range.endOffset);
    var text = lin.text;
    while (start < end && /\s/.test(text.charAt(start))) start++;
    while (end > start && /\s/.test(text.charAt(end - 1))) end--;
    if (start >= end) return null;
    return {
      exact: text.slice(start, end),
      prefix: text.slice(Math.max(0, start - CONTEXT), start),
      suffix: text.slice(end, end + CONTEXT),
      start: start,
      end: end,
    };
  }

  function currentRange() {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
    var range = sel.getRangeAt(0);
    return range.intersectsNode(container) ? range : null;
  }

  function focusables() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("a[href],button,textarea,input,select"),
      function (node) {
        return !node.disabled && node.tabIndex >= 0 && node.offsetParent !== null;
      }
    );
  }

  function close() {
    if (!dialog) return;
    var backdrop = dialog.parentNode;
    var back = dialog._returnFocus;
    dialog = null;
    backdrop.parentNode.removeChild(backdrop);
    document.removeEventListener("keydown", onDialogKey, true);
    if (back && back.focus && document.contains(back)) back.focus();
  }

  function onDialogKey(event) {
    if (!dialog) return;
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      var items = focusables();
      if (!items.length) return;
      var first = items[0], last = items[items.length - 1];
      var inside = dialog.contains(document.activeElement);
      if (event.shiftKey && (document.activeElement === first || !inside)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
        event.preventDefault();
        first.focus();
      }
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && dialog._form) {
      event.preventDefault();
      dialog._form.requestSubmit ? dialog._form.requestSubmit() : dialog._form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  }

  function field(form, id, label, control) {
    form.appendChild(el("label", { for: id }, label));
    control.id = id;
    form.appendChild(control);
    return control;
  }

  function open(selector, returnFocus) {
    if (dialog) close();
    var backdrop = el("div", { class: "nd-backdrop" });
    dialog = el("div", {
      class: "nd-dialog",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "nd-title",
      "aria-describedby": "nd-context",
    });
    dialog._returnFocus = returnFocus;
    dialog.appendChild(el("h2", { id: "nd-title" }, selector ? gettext("Suggest a correction") : gettext("Write to us")));
    if (selector) {
      var quote = el("blockquote", { class: "nd-quote", id: "nd-context" });
      quote.appendChild(el("span", {}, (selector.prefix.length >= CONTEXT ? "…" : "") + selector.prefix));
      quote.appendChild(el("mark", {}, selector.exact));
      quote.appendChild(el("span", {}, selector.suffix + (selector.suffix.length >= CONTEXT ? "…" : "")));
      dialog.appendChild(quote);
    } else {
      dialog.appendChild(el("p", { class: "nd-intro", id: "nd-context" },
        gettext("Tell the editors about a mistake in this article, something unclear, or something it left out.")));
    }

    var form = el("form", { novalidate: "" });
    var fix = null, comment;
    if (selector) {
      fix = field(form, "nd-fix", gettext("Your fix"), el("textarea", { name: "suggestion", rows: "3", maxlength: "2000" }));
      fix.value = selector.exact;
      comment = field(form, "nd-comment", gettext("What is wrong? (optional)"), el("textarea", { name: "comment", rows: "2", maxlength: "2000" }));
    } else {
      comment = field(form, "nd-comment", gettext("What is wrong or missing?"), el("textarea", { name: "comment", rows: "5", maxlength: "2000", required: "" }));
    }
    var category = field(form, "nd-category", gettext("Kind of mistake"), el("select", { name: "category" }));
    categories().forEach(function (pair) {
      category.appendChild(el("option", { value: pair[0] }, pair[1]));
    });
    var email = field(form, "nd-email", gettext("Your e-mail (optional, to hear back)"), el("input", { type: "email", name: "email", autocomplete: "email", maxlength: "254" }));
    var trap = el("div", { class: "nd-trap", "aria-hidden": "true" });
    var honeypot = el("input", { type: "text", name: "website", tabindex: "-1", autocomplete: "off" });
    trap.appendChild(honeypot);
    form.appendChild(trap);
    var message = el("p", { class: "nd-message", role: "status", "aria-live": "polite" });
    form.appendChild(message);
    var actions = el("div", { class: "nd-actions" });
    var cancel = el("button", { type: "button" }, gettext("Cancel"));
    var send = el("button", { type: "submit" }, gettext("Send"));
    actions.appendChild(cancel);
    actions.appendChild(send);
    form.appendChild(actions);
    dialog.appendChild(form);
    dialog._form = form;

    cancel.addEventListener("click", close);
    backdrop.addEventListener("mousedown", function (event) {
      if (event.target === backdrop) close();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send.disabled) return;
      send.disabled = true;
      message.className = "nd-message";
      message.textContent = gettext("Sending…");
      var payload = { comment: comment.value, category: category.value, email: email.value, website: honeypot.value };
      if (selector) {
        payload.exact = selector.exact;
        payload.prefix = selector.prefix;
        payload.suffix = selector.suffix;
        payload.start = selector.start;
        payload.end = selector.end;
        payload.suggestion = fix.value;
      }
      if (VERSION) payload.version = VERSION;
      fetch(API + "/articles/" + encodeURIComponent(SLUG) + "/suggestions/", {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(payload),
      })
        .then(function (response) {
          return response.json().then(
            function (data) { return { ok: response.ok, data: data }; },
            function () { return { ok: false, data: {} }; }
          );
        })
        .then(function (result) {
          if (!dialog) return;
          if (result.ok) done(result.data);
          else fail(result.data.detail || gettext("Your suggestion could not be sent; please try again."));
        })
        .catch(function () {
          fail(gettext("Your suggestion could not be sent (no connection?); please try again."));
        });
    });

    function fail(text) {
      send.disabled = false;
      message.className = "nd-message nd-error";
      message.setAttribute("role", "alert");
      message.textContent = text;
    }

    function done(data) {
      while (form.firstChild) form.removeChild(form.firstChild);
      var thanks = el("p", { role: "status" }, data.detail || gettext("Thank you. An editor will look at your suggestion."));
      form.appendChild(thanks);
      if (/^https?:\/\//.test(data.status_url || "")) {
        var para = el("p", {}, gettext("Follow it here: "));
        para.appendChild(el("a", { href: data.status_url, class: "nd-status-link", target: "_blank", rel: "noopener" }, gettext("the status of your suggestion")));
        form.appendChild(para);
      }
      var row = el("div", { class: "nd-actions" });
      var ok = el("button", { type: "button" }, gettext("Close"));
      ok.addEventListener("click", close);
      row.appendChild(ok);
      form.appendChild(row);
      dialog._form = null;
      (form.querySelector("a") || ok).focus();
    }

    backdrop.appendChild(dialog);
    document.body.appendChild(backdrop);
    document.addEventListener("keydown", onDialogKey, true);
    hideFloating();
    if (fix) {
      fix.focus();
      fix.select();
    } else {
      comment.focus();
    }
  }

  function start(range, returnFocus) {
    var selector = describe(range);
    if (!selector) return false;
    open(selector, returnFocus || document.activeElement);
    return true;
  }

  // A short message at the foot of the screen, where the reader is looking, read out by screen readers.
  function explain(text) {
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      toast.hidden = true;
    }, 8000);
  }

  function touchScreen() {
    return (navigator.maxTouchPoints || 0) > 0 || (window.matchMedia && window.matchMedia("(pointer: coarse)").matches);
  }

  function hideFloating() {
    if (floating) floating.hidden = true;
  }

  // On a touch screen there is no Ctrl+Enter: a button appears just below the selection
  // (below, because the phone's own copy/share menu sits above it).
  function placeFloating() {
    var range = currentRange();
    if (dialog || !range || !describe(range)) return hideFloating();
    var rect = range.getBoundingClientRect();
    floating.hidden = false;
    var width = floating.offsetWidth;
    var left = rect.left + window.scrollX + rect.width / 2 - width / 2;
    var most = document.documentElement.clientWidth + window.scrollX - width - 8;
    floating.style.left = Math.max(window.scrollX + 8, Math.min(left, most)) + "px";
    floating.style.top = rect.bottom + window.scrollY + 12 + "px";
  }

  // A constructed stylesheet is CSSOM, which a Content-Security-Policy without 'unsafe-inline'
  // allows (ours does, and so may the newsroom's); a <style> element is only the fallback.
  function addStyles(css) {
    if (window.CSSStyleSheet && "adoptedStyleSheets" in document) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(css);
        document.adoptedStyleSheets = document.adoptedStyleSheets.concat([sheet]);
        return;
      } catch (error) {
        // an older engine without constructable stylesheets: fall through
      }
    }
    document.head.appendChild(el("style", {}, css));
  }

  function init() {
    container = document.querySelector(cfg.container || "article");
    if (!container || !SLUG) return;
    addStyles(CSS);

    document.addEventListener("keydown", function (event) {
      if (dialog || event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
      var target = event.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName || ""))) return;
      event.preventDefault();
      if (!start(currentRange())) explain(nothingSelected());
    });
    toast = el("div", { class: "nd-toast", role: "status", "aria-live": "polite", "data-newsdesk-ignore": "" });
    toast.hidden = true;
    document.body.appendChild(toast);
    floating = el("button", { type: "button", class: "nd-float", "data-newsdesk-ignore": "", "data-nd-label": "Suggest a correction" }, gettext("Suggest a correction"));
    floating.hidden = true;
    document.body.appendChild(floating);
    floating.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    floating.addEventListener("click", function () {
      start(currentRange() || lastRange, floating);
    });
    var pending = null;
    // Remember the last selection in the article: tapping a button on a touch screen may clear it.
    document.addEventListener("selectionchange", function () {
      var range = currentRange();
      if (range) {
        lastRange = range.cloneRange();
        toast.hidden = true;
      }
      if (!touchScreen()) return;
      // Wait until the reader's handles settle before placing the button.
      clearTimeout(pending);
      pending = setTimeout(placeFloating, 150);
    });

    // The bar (hint line and button) goes right after the article; the page's hint lines move into it.
    var bar = el("div", { class: "nd-bar hint", "data-newsdesk-ignore": "" });
    // The page's own 'write to us' form is for readers without JavaScript: the dialog replaces it.
    var pageForms = document.querySelectorAll("[data-newsdesk-write]");
    for (var f = 0; f < pageForms.length; f++) pageForms[f].hidden = true;
    var hints = document.querySelectorAll("[data-newsdesk-hint]");
    for (var i = 0; i < hints.length; i++) {
      if (MAC) hints[i].textContent = hints[i].textContent.replace("Ctrl+Enter", KEYS);
      hints[i].hidden = false;
      bar.appendChild(hints[i]);
    }
    var row = el("p");
    var button = el("button", { type: "button", class: "nd-button", "data-nd-label": "Suggest a correction" }, gettext("Suggest a correction"));
    var write = el("button", { type: "button", class: "nd-write", "data-nd-label": "Write to us" }, gettext("Write to us"));
    var note = el("span", { class: "nd-note", role: "status", "aria-live": "polite" });
    row.appendChild(button);
    row.appendChild(write);
    row.appendChild(note);
    write.addEventListener("click", function () {
      note.textContent = "";
      open(null, write);
    });
    bar.appendChild(row);
    container.parentNode.insertBefore(bar, container.nextSibling);
    // Keep the reader's selection when the button is pressed with a mouse.
    button.addEventListener("mousedown", function (event) {
      event.preventDefault();
    });
    button.addEventListener("click", function () {
      note.textContent = "";
      if (!start(currentRange() || lastRange, button)) {
        note.textContent = gettext("First select the words you want to correct, then press this button; or use “Write to us”.");
      }
    });
  }

  function pageUrl() {
    if (cfg.articleUrl) return cfg.articleUrl;
    var marked = document.querySelector("[data-article-url]");
    if (marked && marked.getAttribute("data-article-url")) return marked.getAttribute("data-article-url");
    var canonical = document.querySelector('link[rel="canonical"]');
    return canonical && canonical.href ? canonical.href : location.href;
  }

  // Without a slug, the article is the one Newsdesk tracks at this page's canonical URL.
  function findArticle() {
    if (!window.fetch) return;
    fetch(API + "/articles/?url=" + encodeURIComponent(pageUrl()), { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        var article = (data.results || [])[0];
        if (!article) return;
        SLUG = article.slug;
        VERSION = article.version || VERSION;
        init();
      })
      .catch(function () {});
  }

  // The widget works at once in English; the labels change when the reader's catalogue arrives.
  function loadCatalog() {
    if (!window.fetch) return;
    fetch(API + "/i18n/", { credentials: "omit", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : {}; })
      .then(function (data) {
        catalog = (data && data.catalog) || {};
        var labelled = document.querySelectorAll("[data-nd-label]");
        for (var i = 0; i < labelled.length; i++) labelled[i].textContent = gettext(labelled[i].getAttribute("data-nd-label"));
      }, function () {});
  }

  function begin() {
    if (SLUG) init();
    else findArticle();
    loadCatalog();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", begin);
  else begin();
})();

// The book check's layout probe (crates/xtask/src/book/layout.rs injects it into every chapter
// it loads). After the page's load event it measures what the reader sees and writes a JSON
// report into `<script type="application/json" id="layout-report">`: in this document, or in the
// parent's when the chapter is loaded in the check's narrow frame. Chromium's `--dump-dom` then
// prints it, and the Rust side turns it into problems. It only measures; the verdicts (and the
// SVG text sizes, which need the SVG files) are the Rust side's.
(function () {
  "use strict";

  // The text column: mdbook's <main>, without its padding.
  function column() {
    const main = document.querySelector("main") || document.body;
    const r = main.getBoundingClientRect();
    const s = getComputedStyle(main);
    const left = r.left + parseFloat(s.paddingLeft);
    const right = r.right - parseFloat(s.paddingRight);
    return { main: main, left: left, right: right, width: right - left };
  }

  function short(text, n) {
    const t = text.replace(/\s+/g, " ").trim();
    return t.length > n ? t.slice(0, n - 1) + "…" : t;
  }

  // "table 2 (ID | claim | witnesses)": its position on the page and its header.
  function tableName(table, i) {
    const head = Array.from(table.querySelectorAll("th")).map((th) => short(th.textContent, 20));
    return "table " + (i + 1) + (head.length ? " (" + head.join(" | ") + ")" : "");
  }

  // The nearest box at or above `el` (below <main>) that scrolls sideways.
  function scrollBox(el, main) {
    for (let e = el; e && e !== main; e = e.parentElement) {
      const o = getComputedStyle(e).overflowX;
      if (o === "auto" || o === "scroll") return e;
    }
    return null;
  }

  function checkTable(table, i, col, problems) {
    const name = tableName(table, i);
    const r = table.getBoundingClientRect();
    const contentWidth = Math.max(r.width, table.scrollWidth);
    const box = scrollBox(table, col.main);
    const scrolls = contentWidth > col.width + 0.5;
    if (!box) {
      if (r.right > col.right + 0.5) {
        problems.push({ kind: "table-overflow", element: name,
          message: "is " + Math.round(r.width) + " px wide in a " + Math.round(col.width) +
            " px column and does not scroll in its own box: it pushes the page sideways" });
      }
    } else {
      const b = box.getBoundingClientRect();
      if (b.right > col.right + 0.5 || b.left < col.left - 0.5) {
        problems.push({ kind: "table-overflow", element: name,
          message: "its scrolling box is " + Math.round(b.width) + " px wide, wider than the " +
            Math.round(col.width) + " px column" });
      }
    }
    // The narrowest the table can be without breaking a word: a table given less width than
    // its content needs is laid out at that width. Its cells' text is let wrap at spaces for
    // this (inline code keeps its own rules), so a `nowrap` on prose cells, which is what
    // pushes long labels off the page, does not count as a reason to scroll.
    const cells = Array.from(table.querySelectorAll("td, th"));
    const saved = cells.map((c) => c.style.whiteSpace);
    cells.forEach((c) => { c.style.whiteSpace = "normal"; });
    const before = table.style.width;
    table.style.width = "1px";
    const narrowest = table.getBoundingClientRect().width;
    table.style.width = before;
    cells.forEach((c, k) => { c.style.whiteSpace = saved[k]; });
    return { name: name, width: Math.round(contentWidth), narrowest: Math.round(narrowest),
      scrolls: scrolls };
  }

  // The text of `cell` as one string, with a space wherever a line must break anyway (a <br>,
  // a block), and where each character came from.
  function cellText(cell) {
    const chars = [];
    function walk(node) {
      if (node.nodeType === Node.TEXT_NODE) {
        for (let k = 0; k < node.data.length; k++) chars.push({ node: node, offset: k, c: node.data[k] });
        return;
      }
      if (node.nodeType !== Node.ELEMENT_NODE) return;
      const display = getComputedStyle(node).display;
      const block = node.tagName === "BR" || !display.startsWith("inline");
      if (block) chars.push({ node: null, c: " " });
      for (const child of node.childNodes) walk(child);
      if (block) chars.push({ node: null, c: " " });
    }
    for (const child of cell.childNodes) walk(child);
    return chars;
  }

  // The spaces a line may break at. A no-break space (U+00A0, U+2007, U+202F) joins what it
  // stands between into one word, which must then stay on one line ("596 – 653").
  const BREAKABLE = /[ \t\n\r\f\u1680\u2000-\u2006\u2008-\u200a\u205f\u3000]/;

  // The lines the characters chars[a..b) are on: one entry per line box.
  function lineOf(chars, a, b) {
    const range = document.createRange();
    range.setStart(chars[a].node, chars[a].offset);
    range.setEnd(chars[b - 1].node, chars[b - 1].offset + 1);
    const lines = [];
    for (const rect of range.getClientRects()) {
      if (rect.width === 0 && rect.height === 0) continue;
      // Two rectangles are on one line when they overlap vertically.
      if (!lines.some((l) => rect.top < l.bottom - 1 && rect.bottom > l.top + 1)) {
        lines.push({ top: rect.top, bottom: rect.bottom });
      }
    }
    return lines;
  }

  // A word (a run of characters without a breakable space) whose characters are on more than one line was
  // broken inside the word. Returns how many words were looked at.
  function checkWords(cell, where, problems) {
    const chars = cellText(cell);
    let words = 0;
    let k = 0;
    while (k < chars.length) {
      if (BREAKABLE.test(chars[k].c) || !chars[k].node) { k++; continue; }
      let end = k;
      while (end < chars.length && chars[end].node && !BREAKABLE.test(chars[end].c)) end++;
      words++;
      if (lineOf(chars, k, end).length > 1) {
        // Where it broke: "rac/y". A break right after a hyphen in prose ("thread-/safe") is
        // ordinary typography; in code (a command's "--/test") it is not.
        let shown = "";
        let top = null;
        let midWord = false;
        for (let m = k; m < end; m++) {
          const l = lineOf(chars, m, m + 1)[0];
          if (l && top !== null && l.top >= top + 1) {
            shown += "/";
            const prev = chars[m - 1];
            const inCode = prev.node.parentElement && prev.node.parentElement.closest("code");
            if (!(prev.c === "-" && !inCode)) midWord = true;
          }
          if (l) top = l.top;
          shown += chars[m].c;
        }
        if (midWord) problems.push({ kind: "word-break", element: where,
          message: "the word `" + short(shown, 80) + "` is broken across lines (/ marks the break)" });
      }
      k = end;
    }
    return words;
  }

  function checkImages(col, problems) {
    const images = [];
    Array.from(col.main.querySelectorAll("img")).forEach((img) => {
      const src = img.getAttribute("src") || "";
      const r = img.getBoundingClientRect();
      if (!img.complete || img.naturalWidth === 0) {
        problems.push({ kind: "image-missing", element: "image " + src,
          message: "did not load (naturalWidth 0)" });
      } else if (r.width > col.width + 0.5) {
        problems.push({ kind: "image-too-wide", element: "image " + src,
          message: "is " + Math.round(r.width) + " px wide in a " + Math.round(col.width) + " px column" });
      }
      images.push({ src: src, width: r.width, natural_width: img.naturalWidth });
    });
    return images;
  }

  function run() {
    const col = column();
    const problems = [];
    const tables = Array.from(col.main.querySelectorAll("table")).map((t, i) => {
      const info = checkTable(t, i, col, problems);
      return info;
    });
    let words = 0;
    Array.from(col.main.querySelectorAll("table")).forEach((t, i) => {
      Array.from(t.rows).forEach((row, ri) => {
        Array.from(row.cells).forEach((cell, ci) => {
          const where = tableName(t, i) + ", row " + (ri + 1) + ", column " + (ci + 1);
          words += checkWords(cell, where, problems);
        });
      });
    });
    const page = document.documentElement;
    if (page.scrollWidth > innerWidth + 0.5) {
      problems.push({ kind: "page-overflow", element: "the page",
        message: "is " + page.scrollWidth + " px wide in a " + innerWidth + " px window: it scrolls sideways" });
    }
    return {
      viewport: innerWidth,
      column: col.width,
      fonts: document.fonts ? document.fonts.status : "unknown",
      words: words,
      tables: tables,
      images: checkImages(col, problems),
      problems: problems,
    };
  }

  function publish(report) {
    const doc = window.frameElement ? window.parent.document : document;
    let out = doc.getElementById("layout-report");
    if (!out) {
      out = doc.createElement("script");
      out.type = "application/json";
      out.id = "layout-report";
      doc.body.appendChild(out);
    }
    out.textContent = JSON.stringify(report);
  }

  function measure() {
    let report;
    try {
      report = run();
    } catch (e) {
      report = { error: String(e && e.stack ? e.stack : e) };
    }
    publish(report);
  }

  // Web fonts can still be loading at the load event, and a fallback font lays text out
  // differently: measure once they are in. (The check runs Chromium with a virtual-time budget,
  // so it waits for this before printing the DOM.)
  window.addEventListener("load", function () {
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(measure, measure);
    } else {
      measure();
    }
  });
})();

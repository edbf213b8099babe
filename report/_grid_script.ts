/**
 * The grid page's inline script: the side panel (a cell's button opens it,
 * Escape or Close shuts it and gives focus back to the cell), arrow keys
 * between cells, the filter, and folding the rows where nothing diverges.
 * Without it the page still reads: every cell shows its mark, and its tooltip
 * says the verdict against the expectation.
 *
 * @module
 */

/** The script of the grid page (`_grid_html.ts`). */
export const GRID_SCRIPT = `
(() => {
  const grid = document.getElementById("grid");
  const panel = document.getElementById("panel");
  const panelTitle = document.getElementById("panel-title");
  const panelBody = document.getElementById("panel-body");
  const closer = document.getElementById("panel-close");
  let opener = null;

  const copy = (template) => template ? template.content.cloneNode(true) : document.createDocumentFragment();
  const element = (tag, text, className) => {
    const e = document.createElement(tag);
    e.textContent = text;
    if (className) e.className = className;
    return e;
  };
  const deselect = () => {
    if (!opener) return;
    opener.setAttribute("aria-expanded", "false");
    opener.parentElement.classList.remove("selected");
  };
  const open = (button) => {
    deselect();
    opener = button;
    const td = button.parentElement;
    const tr = td.parentElement;
    const th = grid.querySelector('thead th[data-column="' + CSS.escape(td.dataset.column) + '"]');
    panelTitle.textContent = tr.dataset.case;
    panelBody.replaceChildren(
      element("p", "on " + th.dataset.name, "on"),
      copy(td.querySelector("template")),
      element("h3", "The case"),
      copy(tr.querySelector("th template")),
      element("h3", "The column"),
      copy(th.querySelector("template")),
    );
    button.setAttribute("aria-controls", "panel");
    button.setAttribute("aria-expanded", "true");
    td.classList.add("selected");
    panel.hidden = false;
    // Room to scroll the cell out from under the panel, then keep it in sight.
    document.documentElement.classList.add("panel-open");
    button.scrollIntoView({ block: "nearest", inline: "nearest" });
    closer.focus();
  };
  const close = () => {
    if (panel.hidden) return;
    panel.hidden = true;
    document.documentElement.classList.remove("panel-open");
    deselect();
    if (opener) opener.focus();
  };
  grid.addEventListener("click", (e) => {
    const button = e.target.closest("td > button.mark");
    if (button) open(button);
  });
  closer.addEventListener("click", close);
  document.addEventListener("keydown", (e) => {
    if (e.key === "Escape") close();
  });

  // Arrow keys move between cells: along the row, or to the same column in the next shown row.
  const shown = () => [...grid.querySelectorAll("tbody tr[data-case]")].filter((r) => r.offsetParent !== null);
  grid.addEventListener("keydown", (e) => {
    const button = e.target.closest("td > button.mark");
    if (!button || !["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
    const td = button.parentElement;
    let next = null;
    if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
      next = e.key === "ArrowLeft" ? td.previousElementSibling : td.nextElementSibling;
    } else {
      const rows = shown();
      const row = rows[rows.indexOf(td.parentElement) + (e.key === "ArrowUp" ? -1 : 1)];
      next = row ? row.querySelector('td[data-column="' + CSS.escape(td.dataset.column) + '"]') : null;
    }
    const target = next ? next.querySelector("button.mark") : null;
    if (target) {
      e.preventDefault();
      target.focus();
    }
  });

  // The rows where nothing diverges fold away when there is something that does.
  const rest = document.getElementById("rest");
  const toggle = document.getElementById("toggle-rest");
  if (rest && toggle) {
    const count = rest.querySelectorAll("tr[data-case]").length;
    const fold = (folded) => {
      rest.classList.toggle("collapsed", folded);
      toggle.textContent = folded ? "show these " + count : "hide these";
      toggle.setAttribute("aria-expanded", String(!folded));
    };
    toggle.hidden = false;
    toggle.addEventListener("click", () => fold(!rest.classList.contains("collapsed")));
    fold(grid.querySelector("#divergent tr[data-case]") !== null);
  }

  // The filter keeps the rows whose id or title contains the text, and their bands.
  const controls = document.querySelector(".controls");
  const search = document.getElementById("search");
  controls.hidden = false;
  search.addEventListener("input", () => {
    const q = search.value.trim().toLowerCase();
    for (const r of grid.querySelectorAll("tbody tr[data-case]")) {
      r.hidden = q !== "" && !r.cells[0].textContent.toLowerCase().includes(q);
    }
    if (q !== "" && rest && toggle && rest.classList.contains("collapsed")) toggle.click();
  });
})();
`;

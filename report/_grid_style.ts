/**
 * The grid page's stylesheet, inlined into the page. Marks are ASCII letters
 * on CSS shapes (fills, hatching, rings, a corner flag): no emoji, no web font,
 * no image, so they render with whatever font the machine has.
 *
 * @module
 */

/** The stylesheet of the grid page (`_grid_html.ts`). */
export const GRID_STYLE = `
:root { --case: 15rem; --col: 3.4rem; --panel: 28rem; color-scheme: light;
  /* Cells reached by keyboard or opened stay clear of the sticky header, the case column and the panel. */
  scroll-padding: 6.5rem 0 0 calc(var(--case) + 2rem); }
:root.panel-open { scroll-padding-right: calc(var(--panel) + 1rem); }
.grid-wrap { width: max-content; }
.panel-open .grid-wrap { padding-right: var(--panel); }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, "DejaVu Sans", sans-serif; margin: 1rem 1.5rem 3rem; color: #1f2328; background: #fff; }
h1 { font-size: 1.35rem; margin: 0 0 .2rem; }
h2 { font-size: 1.1rem; margin: 1rem 0 .4rem; }
.meta { color: #59636e; margin: .1rem 0; }
code, pre, kbd, .mark { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
code { font-size: .8rem; }
kbd { font-size: .75rem; border: 1px solid #8c959f; border-radius: 3px; padding: 0 .2rem; }

.headline { margin: .2rem 0 .5rem; }
table.summary { border-collapse: collapse; font-size: .85rem; }
.summary th, .summary td { border-bottom: 1px solid #d1d9e0; padding: .15rem .6rem; text-align: right; font-weight: 400; }
.summary thead th { font-weight: 600; border-bottom: 2px solid #8c959f; vertical-align: bottom; }
.summary th[scope=row], .summary thead th:first-child, .summary thead th:last-child, .summary td.note { text-align: left; }
.summary td.zero { color: #8c959f; }
.summary td.bad { color: #a40e26; font-weight: 700; }
.summary td.bad::before { content: "!"; }
.summary td.note { color: #7d4e00; max-width: 32rem; overflow-wrap: anywhere; }
.summary tr.notrun th { color: #59636e; }

.legend { display: flex; flex-wrap: wrap; gap: .3rem 1.1rem; margin: .8rem 0; padding: 0; list-style: none; font-size: .85rem; }
.key { display: inline-flex; align-items: center; gap: .35rem; }
.key .mark { width: 2.4rem; height: 1.5rem; }
.key.notrun .mark { background: repeating-linear-gradient(45deg, #f6f8fa 0 5px, #d1d9e0 5px 7px); }
.controls { margin: .5rem 0; }
p.note { font-size: .85rem; color: #59636e; margin: .3rem 0; max-width: 60rem; }
.row-mark { text-decoration: none; color: #0969da; font-weight: 700; }

table.grid { border-collapse: separate; border-spacing: 0; table-layout: fixed; width: calc(var(--case) + var(--cols) * var(--col)); }
.grid th, .grid td { border-right: 1px solid #d1d9e0; border-bottom: 1px solid #d1d9e0; padding: 0; background: #fff; }
.grid thead th { position: sticky; top: 0; z-index: 2; width: var(--col); background: #f6f8fa; vertical-align: bottom;
  padding: .3rem .12rem; font-size: .72rem; font-stretch: condensed; line-height: 1.15; text-align: center;
  overflow-wrap: anywhere; border-bottom: 2px solid #59636e; }
.grid thead th small { display: block; font-weight: 400; color: #59636e; }
.grid thead th .status { color: #7d4e00; font-weight: 600; }
.grid thead th.notrun { background: #eaeef2; color: #59636e; }
.grid thead th.corner { left: 0; z-index: 3; width: var(--case); text-align: left; padding-left: .5rem; font-size: .85rem; }
.grid tbody th { position: sticky; left: 0; z-index: 1; text-align: left; font-weight: 400; padding: .15rem .4rem;
  box-shadow: 1px 0 0 #59636e; }
.grid tbody th code { display: block; overflow-wrap: anywhere; line-height: 1.25; }
.grid tbody th .title { display: block; font-size: .72rem; color: #59636e; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.grid tr.section th { background: #eaeef2; font-weight: 600; padding: .45rem .5rem; border-top: 1px solid #8c959f; }
.grid tr.group th, .grid td.gap { background: #f6f8fa; }
.grid tr.group th { font: 600 .75rem/1.3 ui-monospace, "DejaVu Sans Mono", monospace; color: #424a53; padding: .15rem .5rem; }
.stick { position: sticky; left: .5rem; }
.grid td { height: 2.3rem; }
.grid td > .mark { width: 100%; height: 100%; }
.grid td.notrun { vertical-align: top; background: repeating-linear-gradient(45deg, #f6f8fa 0 6px, #e6eaef 6px 9px); }
.grid td.notrun .why { display: block; writing-mode: vertical-rl; margin: .5rem auto; max-height: 40rem;
  font-size: .8rem; color: #424a53; background: #f6f8fa; padding: .3rem .1rem; }
#toggle-rest { margin-left: .6rem; font-size: .8rem; }
tbody.collapsed tr:not(.section) { display: none; }
tr[hidden] { display: none; }

.mark { display: inline-flex; align-items: center; justify-content: center; position: relative; margin: 0; padding: 0;
  border: 0; font-size: .8rem; font-weight: 700; line-height: 1; color: #1f2328; background: #fff; }
button.mark { cursor: pointer; }
button.mark:hover { filter: brightness(.93); }
button.mark:focus-visible, td.selected > .mark { outline: 3px solid #0969da; outline-offset: -3px; }
.v-pass > .mark { background: #dafbe1; color: #116329; font-weight: 400; }
.v-fail > .mark { background: #ffcecb; color: #82071e; }
.v-unsupported > .mark { background: repeating-linear-gradient(135deg, #f6f8fa 0 4px, #e0e5ea 4px 7px); color: #424a53; font-weight: 400; }
.v-skipped > .mark { background: #ddf4ff; color: #0a3069; box-shadow: inset 0 0 0 2px #fff, inset 0 0 0 3px #54aeff; }
.v-timeout > .mark { background: #ffe2a8; color: #5c3a00; }
.v-crash > .mark { background: #3d1b59; color: #fff; }
.v-missing > .mark { background: #fff; color: #59636e; box-shadow: inset 0 0 0 2px #fff, inset 0 0 0 3px #8c959f; }
.unexpected > .mark { box-shadow: inset 0 0 0 3px #cf222e; }
.unexpected > .mark::after { content: ""; position: absolute; top: 0; right: 0; border-style: solid;
  border-width: 0 .65rem .65rem 0; border-color: transparent #cf222e transparent transparent; }
.bang { margin-right: 1px; }

#panel { position: fixed; top: 0; right: 0; bottom: 0; z-index: 10; width: min(var(--panel), 100vw); overflow: auto;
  background: #fff; border-left: 1px solid #59636e; box-shadow: -6px 0 18px rgba(31, 35, 40, .18); padding: .8rem 1rem 2rem; }
#panel[hidden] { display: none; }
.panel-head { display: flex; gap: .6rem; align-items: flex-start; justify-content: space-between; }
#panel h2 { font-size: 1rem; margin: 0; overflow-wrap: anywhere; }
#panel h3 { font-size: .9rem; margin: 1rem 0 .2rem; padding-top: .6rem; border-top: 1px solid #d1d9e0; }
#panel .on { color: #59636e; margin: .2rem 0 .6rem; }
#panel .verdict { display: flex; align-items: center; gap: .5rem; margin: .4rem 0; font-weight: 600; }
#panel .verdict .mark { flex: none; width: 2.8rem; height: 1.9rem; }
#panel .surprise { color: #a40e26; font-weight: 600; margin: .2rem 0; }
#panel dl { display: grid; grid-template-columns: 6.5rem 1fr; gap: .25rem .6rem; margin: .4rem 0 0; font-size: .85rem; }
#panel dt { font-weight: 600; color: #424a53; }
#panel dd { margin: 0; overflow-wrap: anywhere; }
#panel pre { white-space: pre-wrap; margin: 0; font-size: .78rem; }
`;

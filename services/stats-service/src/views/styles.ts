/** The one stylesheet, served at /assets/app.css (the CSP allows no inline styles). */
export const APP_CSS = `
:root{--bg:#f6f7f9;--card:#fff;--ink:#1f2937;--muted:#6b7280;--line:#e5e7eb;--accent:#0f766e;--bad:#dc2626;--warn:#d97706;--ok:#16a34a}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
a{color:var(--accent)}
.top{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1.25rem;padding:.75rem 1rem;background:#0f3d3a;color:#fff}
.top a,.top button.link{color:#e6fffb;text-decoration:none}
.top a[aria-current]{font-weight:600;border-bottom:2px solid #5eead4}
.brand{font-weight:700;font-size:1.1rem;margin-right:auto}
.top nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
main{max-width:1150px;margin:0 auto;padding:1rem}
h1{font-size:1.4rem;margin:.5rem 0 1rem}
h2{font-size:1.05rem;margin:0 0 .75rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.75rem;margin-bottom:1rem}
.card,.panel{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:.9rem 1rem}
.card{display:block;color:inherit;text-decoration:none}
a.card:hover{border-color:var(--accent)}
.card .label{color:var(--muted);font-size:.85rem}
.card .value{font-size:1.7rem;font-weight:650;font-variant-numeric:tabular-nums}
.card .sub{color:var(--muted);font-size:.8rem}
.card.bad .value{color:var(--bad)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:.75rem;margin-bottom:.75rem}
.panel{margin-bottom:.75rem;overflow-x:auto}
svg.chart{width:100%;height:auto;display:block;min-width:520px}
.legend{display:flex;flex-wrap:wrap;gap:.25rem .9rem;font-size:.8rem;color:var(--muted);list-style:none;padding:0;margin:.5rem 0 0}
.sw{display:inline-block;width:.7rem;height:.7rem;border-radius:2px;margin-right:.3rem;vertical-align:-1px}
.bars{width:100%;border-collapse:collapse;font-size:.9rem}
.bars td{padding:.2rem .3rem;vertical-align:middle}
.bars td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;width:4.5rem}
.bars svg{width:100%;height:12px;display:block}
table.list{width:100%;border-collapse:collapse;font-size:.88rem}
table.list th{text-align:left;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line);padding:.4rem}
table.list td{border-bottom:1px solid var(--line);padding:.4rem;vertical-align:top}
.badge{display:inline-block;padding:.05rem .45rem;border-radius:999px;font-size:.78rem;white-space:nowrap;background:#eef2f7}
.st-sent{background:#2563eb}.st-delivered{background:#16a34a}.st-read{background:#166534}.st-pending{background:#9ca3af}
.st-failed{background:#f59e0b}.st-permanent_failure{background:#dc2626}.st-undelivered{background:#991b1b}
.st-skipped{background:#d1d5db}.st-cancelled{background:#6b7280}
.badge.st-sent,.badge.st-delivered,.badge.st-read,.badge.st-permanent_failure,.badge.st-undelivered,.badge.st-cancelled{color:#fff}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin-bottom:1rem}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted)}
form.filters fieldset.checks{flex-basis:100%;display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1rem;margin:0;padding:.35rem .75rem .5rem}
fieldset.checks legend{font-size:.8rem;color:var(--muted);padding:0 .25rem}
fieldset.checks label{font-size:.88rem;color:var(--ink);gap:.35rem}
fieldset.checks .muted{font-size:.8rem}
.reason{color:var(--muted);font-size:.82rem}
input,select,button{font:inherit}
input[type=text],input[type=email],input[type=password],input[type=date],input[type=tel],select{padding:.4rem .5rem;border:1px solid #cbd5e1;border-radius:6px;background:#fff;min-width:0}
button,.button{background:var(--accent);color:#fff;border:0;border-radius:6px;padding:.5rem .9rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary,.button.secondary{background:#e2e8f0;color:var(--ink)}
button.danger{background:var(--bad)}
button.link{background:none;padding:0;border:0;text-decoration:underline;cursor:pointer}
form.inline{display:inline}
.narrow{max-width:460px;margin:2rem auto}
.stack{display:flex;flex-direction:column;gap:.8rem}
.stack label{display:flex;flex-direction:column;gap:.25rem}
.check{display:flex!important;flex-direction:row!important;gap:.5rem;align-items:center}
fieldset{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem}
.notice{padding:.6rem .8rem;border-radius:8px;background:#ecfdf5;border:1px solid #a7f3d0;margin-bottom:1rem}
.alert{padding:.6rem .8rem;border-radius:8px;background:#fef2f2;border:1px solid #fecaca;margin-bottom:1rem}
.muted{color:var(--muted)}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.kv dt{color:var(--muted)}
.actions{display:flex;gap:.5rem;flex-wrap:wrap;margin:.75rem 0}
@media (max-width:640px){main{padding:.6rem}.card .value{font-size:1.35rem}table.list .hide-sm{display:none}}
`;

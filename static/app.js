/* app.js: progressive help on worker forms; every page works without it. */
"use strict";
document.addEventListener("submit", function (e) {
	var f = e.target, b = f.querySelector("button[type=submit]");
	if (f.dataset.sending) { e.preventDefault(); return; }   /* a double tap sends once */
	f.dataset.sending = "1";
	if (b) { b.setAttribute("aria-busy", "true"); b.textContent = document.documentElement.lang === "en" ? "Sending…" : "Đang gửi…"; }
});

/* admin.js: keyboard help for the console (the console works without it): "/" searches, j/k move
   through the queue, Enter opens the report; "Copy" buttons beside revealed phone and Zalo numbers;
   the menu's open group closes on a click elsewhere or Escape. */
"use strict";
(function () {
	var rows = Array.prototype.slice.call(document.querySelectorAll("table.queue tbody tr")), at = -1;
	function move(i) {
		if (!rows.length) return;
		if (at >= 0) rows[at].classList.remove("cursor");
		at = Math.max(0, Math.min(rows.length - 1, i));
		rows[at].classList.add("cursor");
		rows[at].scrollIntoView({ block: "nearest" });
	}
	document.addEventListener("keydown", function (e) {
		var t = e.target.tagName;
		if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
		if (e.key === "/") { var q = document.querySelector("input[name=q]"); if (q) { e.preventDefault(); q.focus(); } }
		else if (e.key === "j") move(at + 1);
		else if (e.key === "k") move(at - 1);
		else if (e.key === "Enter" && at >= 0) { var a = rows[at].querySelector("a"); if (a) a.click(); }
	});
})();
(function () {
	/* copy buttons are hidden in the HTML: without JS the number is plain text to select */
	if (!navigator.clipboard) return;
	Array.prototype.forEach.call(document.querySelectorAll("button.copy[data-copy]"), function (btn) {
		btn.hidden = false;
		btn.addEventListener("click", function () {
			navigator.clipboard.writeText(btn.getAttribute("data-copy")).then(function () {
				btn.textContent = btn.getAttribute("data-done");
			});
		});
	});
})();
(function () {
	/* the menu's groups work without JS (<details>); with it, a click elsewhere or Escape closes an open one */
	var groups = Array.prototype.slice.call(document.querySelectorAll("nav#menu details"));
	function close(except) {
		groups.forEach(function (d) { if (d !== except) d.open = false; });
	}
	document.addEventListener("click", function (e) {
		var inside = e.target.closest ? e.target.closest("nav#menu details") : null;
		close(inside);
	});
	document.addEventListener("keydown", function (e) {
		if (e.key !== "Escape") return;
		var open = groups.filter(function (d) { return d.open; });
		if (!open.length) return;
		close(null);
		open[0].querySelector("summary").focus();
	});
})();

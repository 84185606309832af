/* admin.js: keyboard help for the console (the console works without it): "/" searches, j/k move
   through the queue, Enter opens the report. */
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

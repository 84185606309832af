/* app.js: optional help on worker forms (pages work without it): hides questions that do not apply,
   keeps a draft, queues a report while offline and resends it with the same idempotency key,
   keeps the receipt in the tab until the worker says it is saved. */
"use strict";
(function () {
	var d = document, en = d.documentElement.lang === "en", form = d.querySelector("form[method=post]");
	var draftKey = "draft:" + location.pathname, queueKey = "queue:" + location.pathname;
	var T = en ? {
		off: "No network. Your report is kept on this phone and will be sent when the network returns.",
		wait: "Sending…", fail: "Not sent yet (no network or the server is busy). Trying again…"
	} : {
		off: "Không có mạng. Phản ánh được lưu tạm trên điện thoại và sẽ tự gửi khi có mạng lại.",
		wait: "Đang gửi…", fail: "Chưa gửi được (mất mạng hoặc máy chủ đang bận). Đang thử lại…"
	};
	function store(k, v) { try { if (v === null) localStorage.removeItem(k); else localStorage.setItem(k, v); } catch (e) { /* private mode */ } }
	function load(k) { try { return localStorage.getItem(k); } catch (e) { return null; } }
	/* the receipt stays in this tab (a reload, a tab the phone discarded) until the worker says it is saved */
	var keptKey = "receipt:" + location.pathname;
	function keep(v) { try { if (v === null) sessionStorage.removeItem(keptKey); else sessionStorage.setItem(keptKey, v); } catch (e) { /* none */ } }
	function kept() { try { return sessionStorage.getItem(keptKey); } catch (e) { return null; } }

	function receiptPage() {
		keep("<!doctype html>" + d.documentElement.outerHTML);   /* before this script changes it */
		var save = d.getElementById("save-receipt"), back = d.getElementById("back-to-forms");   /* the PNG: the server's */
		var done = d.createElement("button");
		done.type = "button"; done.className = "btn primary"; done.id = "receipt-saved";
		done.textContent = en ? "I have saved the code" : "Tôi đã lưu mã";
		done.addEventListener("click", function () {
			keep(null);
			location.href = back ? back.getAttribute("href") : "/";
		});
		(save ? save.parentNode : d.getElementById("receipt")).insertAdjacentElement("afterend", done);
	}

	if (d.getElementById("receipt")) {   /* stored: nothing left to keep but the receipt */
		store(draftKey, null);
		store(queueKey, null);
		if (/^\/q\//i.test(location.pathname)) receiptPage();
		return;
	}
	var shown = /^\/q\//i.test(location.pathname) && kept();
	if (shown) {   /* a receipt not yet saved: it comes back instead of an empty form */
		setTimeout(function () { d.open(); d.write(shown); d.close(); }, 0);   /* once this page is parsed */
		return;
	}
	if (!form) return;
	if (!/^\/q\//i.test(location.pathname)) {   /* /status: nothing kept on a possibly shared phone */
		form.addEventListener("submit", function (e) { if (form.dataset.sending) e.preventDefault(); form.dataset.sending = "1"; });
		return;
	}

	function chosen(name) {
		var out = [];
		Array.prototype.forEach.call(form.elements, function (el) {
			if (el.name !== name || el.closest("[hidden]")) return;   /* a hidden question's answer does not count */
			if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
			out.push(el.value);
		});
		return out;
	}
	/* Shows the questions whose condition holds. Chains (a question under a
	   question) settle in a few passes; it stops at the first pass that
	   changes nothing and writes `hidden` only when it changes, so a page
	   load costs one quick pass (Lighthouse's blocking time, issue 12). */
	var conditional = d.querySelectorAll("[data-if-field]");
	function conditions() {
		for (var pass = 0, changed = true; changed && pass < 5; pass++) {
			changed = false;
			Array.prototype.forEach.call(conditional, function (el) {
				var want = el.getAttribute("data-if-values").split(" "), have = chosen(el.getAttribute("data-if-field"));
				var hide = !want.some(function (v) { return have.indexOf(v) >= 0; });
				if (el.hidden !== hide) { el.hidden = hide; changed = true; }
			});
		}
	}

	var fresh = !d.querySelector(".field.error, .alert");
	function saveDraft() {
		var data = {};
		Array.prototype.forEach.call(form.elements, function (el) {
			if (!el.name || el.type === "hidden" || el.type === "file" || el.name === "website" || /^contact_/.test(el.name)) return;
			if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
			(data[el.name] = data[el.name] || []).push(el.value);
		});
		store(draftKey, JSON.stringify(data));
	}
	function restoreDraft() {
		var data;
		try { data = JSON.parse(load(draftKey) || "null"); } catch (e) { data = null; }
		if (!data || !fresh) return;
		Array.prototype.forEach.call(form.elements, function (el) {
			var v = data[el.name];
			if (!v || el.type === "hidden" || el.type === "file") return;
			if (el.type === "checkbox" || el.type === "radio") el.checked = v.indexOf(el.value) >= 0;
			else el.value = v[0];
			var fold = el.closest("details");   /* a folded free text that got its words back is shown */
			if (fold && el.value) fold.open = true;
		});
	}

	var note = d.createElement("p");
	note.setAttribute("role", "status");
	note.className = "alert";
	note.hidden = true;
	form.parentNode.insertBefore(note, form);
	function say(t) { note.textContent = t; note.hidden = !t; }

	/* Sends a queued report; shows whatever page the server answers. */
	var retry = null;
	function send(q) {
		say(T.wait);
		var body = q.body, headers = {};
		if (typeof body === "string") headers["Content-Type"] = "application/x-www-form-urlencoded";
		fetch(q.url, { method: "POST", body: body, headers: headers, credentials: "same-origin" }).then(function (r) {
			/* a worker that died or a server away (nginx's 502-504, the app's 503):
			   not sent; the report stays here and is sent again, like offline */
			if (r.status >= 500) throw new Error("server " + r.status);
			return r.text();
		}).then(function (html) {
			clearInterval(retry);
			store(queueKey, null);
			d.open();
			d.write(html);
			d.close();
		}, function () {
			say(navigator.onLine ? T.fail : T.off);
			if (!retry) retry = setInterval(function () { send(q); }, 15000);
		});
	}
	var pending = null;
	window.addEventListener("online", function () { if (pending) send(pending); });

	form.addEventListener("submit", function (e) {
		if (form.dataset.sending) { e.preventDefault(); return; }   /* a double tap sends once */
		if (!window.fetch || !window.URLSearchParams) return;        /* old browser: plain post */
		e.preventDefault();
		form.dataset.sending = "1";
		var data = new FormData(form), multipart = form.getAttribute("enctype") === "multipart/form-data";
		pending = { url: form.getAttribute("action"), body: multipart ? data : new URLSearchParams(data).toString() };
		if (!multipart) store(queueKey, JSON.stringify(pending));
		if (navigator.onLine === false) { say(T.off); return; }
		send(pending);
	});
	form.addEventListener("input", saveDraft);
	form.addEventListener("change", function () { saveDraft(); conditions(); });
	restoreDraft();
	conditions();

	var queued;
	try { queued = JSON.parse(load(queueKey) || "null"); } catch (e) { queued = null; }
	if (queued && fresh) { pending = queued; form.dataset.sending = "1"; send(queued); }
})();

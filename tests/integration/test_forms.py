"""test_forms.py: every form a QR code offers, filled in and sent the way a browser sends it."""
import html.parser
import secrets
import time
import urllib.parse

from harness import parse_html, receipt_of, short


class _FormReader(html.parser.HTMLParser):
    """The first <form> of a page: its attributes and its controls in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.form = None
        self.controls = []        # dicts: tag, attrs, options, text
        self.conditions = {}      # field name -> (controlling field, [values]) from data-if-*
        self._in_form = False
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.form is None:
            self.form, self._in_form = a, True
            return
        if not self._in_form:
            return
        if a.get("id", "").startswith("q-") and "data-if-field" in a:
            self.conditions[a["id"][2:]] = (a["data-if-field"], a.get("data-if-values", "").split())
        if tag == "input":
            self.controls.append({"tag": "input", "attrs": a})
        elif tag == "select":
            self._select = {"tag": "select", "attrs": a, "options": []}
            self.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"tag": "textarea", "attrs": a, "text": ""}
            self.controls.append(self._textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None
        elif tag == "textarea":
            if self._textarea and self._textarea["text"].startswith("\n"):
                self._textarea["text"] = self._textarea["text"][1:]
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["text"] += data
        elif self._option is not None:
            self._option["text"] += data


def _fill(controls):
    """What a careful worker would enter: every choice answered with its
    first option, every text area and required field filled, contact
    details left empty. Returns [(name, value or ("file", name, bytes))]."""
    today = time.strftime("%Y-%m-%d")
    pairs = []
    first_radio = set()
    first_box = set()
    rank_seen = {}
    for c in controls:
        a = c["attrs"]
        name = a.get("name")
        if not name or "disabled" in a:
            continue
        contact = name.startswith("contact") or name == "website"
        if c["tag"] == "textarea":
            text = c["text"] or ("Bộ kiểm thử điền mẫu này: ca đêm ở xưởng 2, từ tháng trước." if not contact else "")
            pairs.append((name, text))
        elif c["tag"] == "select":
            opts = [dict(o, value=o["value"] if o["value"] is not None else o["text"].strip()) for o in c["options"]]
            chosen = next((o for o in opts if o["selected"]), None)
            if chosen is None or not chosen["value"]:
                nonempty = [o for o in opts if o["value"]]
                # a ranking (NAME:OPTION selects): distinct ranks 1, 2, ... in order
                group = name.split(":", 1)[0] if ":" in name else None
                k = rank_seen.get(group, 0) if group else 0
                if group:
                    rank_seen[group] = k + 1
                chosen = nonempty[k] if k < len(nonempty) and not contact else (opts[0] if opts else None)
            if chosen is not None:
                pairs.append((name, chosen["value"]))
        else:
            typ = (a.get("type") or "text").lower()
            val = a.get("value", "")
            if typ in ("submit", "button", "reset", "image"):
                continue
            if typ == "radio":
                if "checked" in a or (name not in first_radio and not contact):
                    first_radio.add(name)
                    pairs.append((name, val or "on"))
            elif typ == "checkbox":
                if "checked" in a or (name not in first_box and not contact):
                    first_box.add(name)
                    pairs.append((name, val or "on"))
            elif typ == "file":
                pairs.append((name, ("file", "", b"")))
            elif typ == "hidden" or contact:
                pairs.append((name, val))
            elif "required" in a and not val:
                if typ == "date":
                    val = today
                elif typ == "month":
                    val = today[:7]
                elif typ in ("number", "range") or a.get("inputmode") == "numeric":
                    val = a.get("min") or "1"
                elif typ == "tel":
                    val = "0912345678"
                else:
                    val = "Xưởng may số 2"
                pairs.append((name, val))
            else:
                pairs.append((name, val))
    return pairs


def _encode(pairs, enctype):
    if enctype == "multipart/form-data":
        boundary = "----tiengnoi" + secrets.token_hex(8)
        out = []
        for name, v in pairs:
            qn = name.replace('"', "%22")
            if isinstance(v, tuple):
                out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{qn}"; filename="{v[1]}"\r\n'
                           f"Content-Type: application/octet-stream\r\n\r\n".encode() + v[2] + b"\r\n")
            else:
                out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{qn}"\r\n\r\n'.encode()
                           + v.encode() + b"\r\n")
        out.append(f"--{boundary}--\r\n".encode())
        return b"".join(out), f"multipart/form-data; boundary={boundary}"
    flat = [(n, v[1] if isinstance(v, tuple) else v) for n, v in pairs]
    return urllib.parse.urlencode(flat).encode(), "application/x-www-form-urlencoded"


def test_every_form(t, stack):
    token = stack.demo[0][0]
    landing = stack.get(f"/q/{token}")
    t.require(landing.status == 200, f"landing -> {landing.status}")
    links = [a.get("href") for tag, a in parse_html(landing.text).tags if tag == "a"]
    forms = [h for h in links if h and h.startswith(f"/q/{token}/")]
    t.require(forms, "the landing page links no form")
    for path in forms:
        r = stack.get(path)
        if not t.check(r.status == 200, f"GET {path} -> {r.status}"):
            continue
        fr = _FormReader()
        fr.feed(r.text)
        if not t.check(fr.form is not None, f"{path}: no <form>"):
            continue
        action = fr.form.get("action") or path
        enctype = (fr.form.get("enctype") or "application/x-www-form-urlencoded").lower()
        pairs = _fill(fr.controls)
        idem = dict((n, v) for n, v in pairs if not isinstance(v, tuple)).get("_idem")
        body, ctype = _encode(pairs, enctype)
        resp = stack.post(action, body, ctype=ctype)
        rc = receipt_of(resp)
        if rc:
            stack.receipts.append(rc)
        errors = {k: v.strip() for k, v in parse_html(resp.text).by_id.items() if k.startswith("e-")}
        alert = " ".join(parse_html(resp.text).by_id.get("alert", "").split())
        h1 = " ".join((resp.text.split("<h1>", 1)[-1].split("</h1>", 1)[0]).split())[:80]
        t.check(resp.status == 200 and rc,
                f"{path} sent as {enctype} -> {resp.status} ({h1}), want 200 with a receipt"
                + (f"; field errors {errors}" if errors else "") + (f"; {alert}" if alert else ""))
        if rc and idem:
            row = stack.submission(idem)
            t.check(row and row["form_id"] == path.rsplit("/", 1)[-1],
                    f"{path}: stored as {row and row['form_id']!r}")
            if row:
                answered = [n for n, v in pairs if not isinstance(v, tuple) and v and not n.startswith("_")
                            and n != "website" and not n.startswith("contact")]
                sent = {}
                for n, v in pairs:
                    if not isinstance(v, tuple):
                        sent.setdefault(n, []).append(v)

                def asked(name, depth=0):
                    """A conditional question is stored only when its condition holds."""
                    if name not in fr.conditions or depth > 10:
                        return True
                    ctl, values = fr.conditions[name]
                    return any(v in values for v in sent.get(ctl, [])[:1] or [""]) and asked(ctl, depth + 1)
                base = {n.split(":", 1)[0] for n in answered}
                base = {b for b in base if asked(b)}
                t.check(row["answers"], f"{path}: no answers stored")
                missing = sorted(b for b in base if b not in row["answers"])
                t.check(not missing, f"{path}: answers not stored: {missing} (stored {short(row['answers'], 200)})")

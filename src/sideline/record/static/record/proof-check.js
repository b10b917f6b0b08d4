// Check a Sideline proof file (sideline.proof/1, docs/proofs.md) in the browser, offline.
//
// Depends on nothing but WebCrypto (SHA-256, Ed25519): the page's server is not trusted,
// only the policy file the user chooses. The same checks, in the same order, as
// sideline.record.proof.check_bundle, so that a file fails here for the reason the
// command line names.
"use strict";

(function () {
  const enc = new TextEncoder();
  const dec = new TextDecoder("utf-8", { fatal: true });
  const HASH = 32;
  const FORMAT = "sideline.proof/1";
  const HEADER = "c2sp.org/tlog-proof@v1";

  class ProofError extends Error {
    constructor(code, values) {
      super(code);
      this.code = code;
      this.values = values || {};
    }
  }

  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
  function b64(text, code, values) {
    if (!B64.test(text)) throw new ProofError(code, values);
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  }

  // -- signed notes and keys (c2sp.org/signed-note) ----------------------------------
  function splitNote(text) {
    const at = text.lastIndexOf("\n\n");
    if (at < 0) return null;
    const body = text.slice(0, at + 1);
    const sigs = [];
    for (const line of text.slice(at + 2).split("\n")) {
      if (!line) continue;
      const m = /^\u2014 (\S+) (\S+)$/.exec(line);
      if (!m) return null;
      let raw;
      try { raw = b64(m[2], "x"); } catch (e) { return null; }
      if (raw.length < 5) return null;
      const keyId = ((raw[0] << 24) >>> 0) + (raw[1] << 16) + (raw[2] << 8) + raw[3];
      sigs.push({ name: m[1], keyId, sig: raw.slice(4) });
    }
    return { body, sigs };
  }

  async function parseVkey(vkey, type) {
    const first = vkey.indexOf("+");
    const second = vkey.indexOf("+", first + 1);
    if (first < 1 || second < 0) return null;
    const name = vkey.slice(0, first);
    const idHex = vkey.slice(first + 1, second);
    let raw;
    try { raw = b64(vkey.slice(second + 1), "x"); } catch (e) { return null; }
    if (!/^[0-9a-f]{8}$/.test(idHex) || raw.length !== 33 || raw[0] !== type) return null;
    const digest = await sha256(concat(enc.encode(name + "\n"), raw));
    const keyId = ((digest[0] << 24) >>> 0) + (digest[1] << 16) + (digest[2] << 8) + digest[3];
    if (keyId !== parseInt(idHex, 16)) return null;
    const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
    return { name, keyId, key, pub: raw.slice(1) };
  }

  const verifySig = (key, sig, message) => crypto.subtle.verify({ name: "Ed25519" }, key, sig, message);

  // -- the policy (c2sp.org/tlog-policy) -----------------------------------------------
  async function parsePolicy(bytes, limit) {
    const fail = (line, what) => { throw new ProofError("bad_policy", { line, what }); };
    if (bytes.length > limit) fail(0, `larger than ${limit} bytes`);
    for (const b of bytes) if ((b < 0x20 && b !== 9 && b !== 10) || b === 0x7f) fail(0, "a control character");
    const text = new TextDecoder().decode(bytes);
    const policy = { logs: new Map(), witnesses: new Map(), groups: new Map(), quorum: null };
    const seen = new Set();
    const defined = (n) => policy.witnesses.has(n) || policy.groups.has(n);
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const n = i + 1;
      const t = lines[i].replace(/\t/g, " ").trim().split(/ +/).filter(Boolean);
      if (!t.length || t[0].startsWith("#")) continue;
      const [kw, ...args] = t;
      if (kw === "log") {
        if (args.length < 1 || args.length > 2) fail(n, "write `log <vkey> [<url>]`");
        const v = await parseVkey(args[0], 0x01);
        if (!v) fail(n, "the log key is not an Ed25519 vkey");
        const id = Array.from(v.pub).join(",");
        if (seen.has(id)) fail(n, "this key is already in the policy");
        seen.add(id);
        if (!policy.logs.has(v.name)) policy.logs.set(v.name, []);
        policy.logs.get(v.name).push(v);
      } else if (kw === "witness") {
        if (args.length < 2 || args.length > 3) fail(n, "write `witness <name> <vkey> [<url>]`");
        if (args[0] === "none" || defined(args[0])) fail(n, `the name ${args[0]} is already defined`);
        const v = await parseVkey(args[1], 0x04);
        if (!v) fail(n, "the witness key is not a cosignature vkey");
        const id = Array.from(v.pub).join(",");
        if (seen.has(id)) fail(n, "this key is already in the policy");
        seen.add(id);
        policy.witnesses.set(args[0], v);
      } else if (kw === "group") {
        if (args.length < 3) fail(n, "write `group <name> all|any|<k> <name>...`");
        const [name, k, ...members] = args;
        if (name === "none" || defined(name)) fail(n, `the name ${name} is already defined`);
        for (const m of members) if (!defined(m)) fail(n, `${m} is not defined on a line above`);
        if (new Set(members).size !== members.length) fail(n, "a member is listed twice");
        let threshold;
        if (k === "all") threshold = members.length;
        else if (k === "any") threshold = 1;
        else if (/^[1-9][0-9]*$/.test(k) && Number(k) <= members.length) threshold = Number(k);
        else fail(n, `the threshold ${k} is not all, any or 1..${members.length}`);
        policy.groups.set(name, { threshold, members });
      } else if (kw === "quorum") {
        if (args.length !== 1) fail(n, "write `quorum <name>`");
        if (policy.quorum !== null) fail(n, "a policy has exactly one quorum line");
        if (args[0] !== "none" && !defined(args[0])) fail(n, `${args[0]} is not defined on a line above`);
        policy.quorum = args[0];
      } else {
        fail(n, `unknown keyword ${kw.slice(0, 40)}`);
      }
    }
    if (policy.quorum === null) fail(0, "no quorum line");
    if (!policy.logs.size) fail(0, "no log");
    return policy;
  }

  function satisfied(policy, cosigned, name) {
    if (name === "none") return true;
    if (policy.witnesses.has(name)) return cosigned.has(name);
    const g = policy.groups.get(name);
    return g.members.filter((m) => satisfied(policy, cosigned, m)).length >= g.threshold;
  }

  // -- one tlog-proof ------------------------------------------------------------------
  function parseTlogProof(text, where) {
    const at = text.indexOf("\n\n");
    if (at < 0 || at + 2 >= text.length) throw new ProofError("bad_tlog_proof", { where, what: "no checkpoint after a blank line" });
    const lines = text.slice(0, at).split("\n");
    if (lines[0] !== HEADER) throw new ProofError("unsupported_version", { where, found: lines[0].slice(0, 60) });
    let rest = lines.slice(1);
    let extra = new Uint8Array();
    if (rest.length && rest[0].startsWith("extra ")) {
      extra = b64(rest[0].slice(6), "bad_tlog_proof", { where, what: "the extra line is not base64" });
      rest = rest.slice(1);
    }
    if (!rest.length || !/^index (0|[1-9][0-9]{0,15})$/.test(rest[0])) throw new ProofError("bad_tlog_proof", { where, what: "no valid index line" });
    const index = Number(rest[0].slice(6));
    const hashes = rest.slice(1).map((line, i) => {
      const h = b64(line, "bad_tlog_proof", { where, what: `hash ${i + 1} is not base64` });
      if (h.length !== HASH) throw new ProofError("bad_tlog_proof", { where, what: `hash ${i + 1} is not 32 bytes` });
      return h;
    });
    return { index, hashes, checkpoint: text.slice(at + 2), extra };
  }

  // RFC 9162 §2.1.3.2
  async function rootFromInclusion(index, size, leafHash, proof) {
    if (index >= size) return null;
    let fn = index, sn = size - 1, r = leafHash;
    for (const p of proof) {
      if (sn === 0) return null;
      if (fn % 2 === 1 || fn === sn) {
        r = await sha256(concat(new Uint8Array([1]), p, r));
        if (fn % 2 === 0) { while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); } }
      } else {
        r = await sha256(concat(new Uint8Array([1]), r, p));
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    return sn === 0 ? r : null;
  }

  // The RFC 9162 check as a whole: every hash 32 bytes, the path folds to the root.
  async function verifyInclusion(index, size, leafHash, proof, root) {
    if (![leafHash, root, ...proof].every((h) => h.length === HASH)) return false;
    const folded = await rootFromInclusion(index, size, leafHash, proof);
    return folded !== null && same(folded, root);
  }

  async function checkCheckpoint(text, policy, where) {
    const origin = text.split("\n", 1)[0];
    const keys = policy.logs.get(origin);
    if (!keys) throw new ProofError("unknown_log", { where, origin });
    const note = splitNote(text);
    if (!note) throw new ProofError("bad_checkpoint", { where });
    const [, sizeText, rootText] = note.body.split("\n");
    if (!/^(0|[1-9][0-9]{0,15})$/.test(sizeText || "")) throw new ProofError("bad_checkpoint", { where });
    const root = b64(rootText || "", "bad_checkpoint", { where });
    const body = enc.encode(note.body);
    let signed = false;
    for (const s of note.sigs) {
      const k = keys.find((v) => v.name === s.name && v.keyId === s.keyId);
      if (!k) continue;
      if (!(await verifySig(k.key, s.sig, body))) throw new ProofError("bad_checkpoint", { where });
      signed = true;
    }
    if (!signed) throw new ProofError("unknown_key", { where, origin });
    const cosigned = new Set();
    for (const s of note.sigs) {
      for (const [name, w] of policy.witnesses) {
        if (w.name !== s.name || w.keyId !== s.keyId) continue;
        if (s.sig.length !== 72) throw new ProofError("bad_cosignature", { where, witness: name });
        let t = 0n;
        for (const b of s.sig.slice(0, 8)) t = (t << 8n) | BigInt(b);
        const message = concat(enc.encode(`cosignature/v1\ntime ${t}\n`), body);
        if (!(await verifySig(w.key, s.sig.slice(8), message))) throw new ProofError("bad_cosignature", { where, witness: name });
        cosigned.add(name);
      }
    }
    if (!satisfied(policy, cosigned, policy.quorum)) {
      throw new ProofError("quorum_not_met", { where, witnesses: [...cosigned].join(", ") || "—" });
    }
    return { origin, size: Number(sizeText), root, cosigned };
  }

  function entryOp(leaf, origin, where) {
    let text;
    try { text = dec.decode(leaf); } catch (e) { throw new ProofError("bad_entry", { where }); }
    const [header, line] = text.split("\n\n", 1)[0].split("\n");
    let entry = null;
    try { entry = JSON.parse(line); } catch (e) { entry = null; }
    if (header !== "sideline.entry/1" || !entry || typeof entry !== "object") throw new ProofError("bad_entry", { where });
    const op = entry.payload;
    if (typeof entry.kind !== "string" || !entry.kind.startsWith("op.") || !op || typeof op !== "object") throw new ProofError("bad_entry", { where });
    if (typeof entry.organization !== "string" || !origin.endsWith(`/record/${entry.organization}`)) throw new ProofError("wrong_log", { where, origin });
    if (op.schema !== "sideline.op/1") throw new ProofError("unsupported_version", { where, found: String(op.schema).slice(0, 60) });
    if (op.actor !== entry.organization || `op.${op.kind}` !== entry.kind) throw new ProofError("bad_entry", { where });
    return { organization: entry.organization, time: String(entry.time || ""), op };
  }

  async function checkBundle(bytes, policy, expect, limit) {
    if (bytes.length > limit) throw new ProofError("proof_too_large", { limit });
    let doc;
    try { doc = JSON.parse(dec.decode(bytes)); } catch (e) { throw new ProofError("bad_proof_file", {}); }
    if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new ProofError("bad_proof_file", {});
    if (doc.format !== FORMAT) throw new ProofError("unsupported_version", { where: "the file", found: String(doc.format).slice(0, 60) });
    if (typeof doc.object !== "string" || !doc.object || !Array.isArray(doc.proofs) || !doc.proofs.length || !doc.proofs.every((p) => typeof p === "string")) {
      throw new ProofError("bad_proof_file", {});
    }
    if (expect && doc.object !== expect) throw new ProofError("wrong_decision", { found: doc.object.slice(0, 200), expected: expect });
    const ops = [];
    const seen = new Set();
    for (let i = 0; i < doc.proofs.length; i++) {
      const where = String(i + 1);
      const proof = parseTlogProof(doc.proofs[i], where);
      if (!proof.extra.length) throw new ProofError("bad_tlog_proof", { where, what: "no entry in the extra line" });
      const cp = await checkCheckpoint(proof.checkpoint, policy, where);
      const leafHash = await sha256(concat(new Uint8Array([0]), proof.extra));
      if (!(await verifyInclusion(proof.index, cp.size, leafHash, proof.hashes, cp.root))) throw new ProofError("not_included", { where, origin: cp.origin, index: proof.index });
      const key = `${cp.origin}#${proof.index}`;
      if (seen.has(key)) throw new ProofError("duplicate_proof", { where });
      seen.add(key);
      const { organization, time, op } = entryOp(proof.extra, cp.origin, where);
      if (op.object !== doc.object) throw new ProofError("wrong_object", { where, found: String(op.object).slice(0, 200), expected: doc.object });
      const clear = op.content && typeof op.content === "object" ? op.content.clear : null;
      ops.push({ origin: cp.origin, index: proof.index, organization, time, kind: String(op.kind), args: op.args || {}, clear: clear || null });
    }
    ops.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : a.index - b.index));
    return { object: doc.object, ops };
  }

  // -- words ---------------------------------------------------------------------------
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_, k) => String(values[k] ?? ""));
  function act(op, w) {
    const org = op.organization.toUpperCase();
    if (op.kind === "decision.respond") {
      const position = String(op.args.position || "");
      if (["approve", "object", "withdraw"].includes(position)) return fill(w[position], { org });
      return fill(w.position, { org, position });
    }
    if (op.kind.startsWith("decision.") && w[op.kind]) return fill(w[op.kind], { org });
    return fill(w.other, { org, kind: op.kind });
  }
  function sentence(facts, w) {
    const orgs = [...new Set(facts.ops.map((op) => op.organization.toUpperCase()))];
    const logs = orgs.length < 2 ? orgs.join("") : orgs.slice(0, -1).join(", ") + w.and + orgs[orgs.length - 1];
    const titled = facts.ops.find((op) => op.clear && typeof op.clear.title === "string");
    return fill(w.sentence, {
      logs,
      object: facts.object,
      title: titled ? fill(w.title, { title: titled.clear.title }) : "",
      acts: facts.ops.map((op) => act(op, w)).join("; "),
    });
  }

  // For other scripts on the page, and for the tests that run the RFC 9162 vectors here.
  window.sidelineProofCheck = Object.freeze({ verifyInclusion, parsePolicy, checkBundle });

  const readJson = (id) => JSON.parse(document.getElementById(id).textContent);
  const statements = readJson("proof-statements");
  const limits = readJson("proof-limits");
  const language = readJson("proof-language");
  const words = statements[language] || statements.en;
  const result = document.getElementById("proof-result");
  let dropped = null;

  function show(ok, lines) {
    result.replaceChildren();
    result.dataset.outcome = ok ? "valid" : "invalid";
    const heading = document.createElement("p");
    heading.className = ok ? "proof-valid" : "proof-invalid";
    heading.textContent = ok ? words.valid : words.invalid;
    result.append(heading);
    for (const [lang, text] of lines) {
      const p = document.createElement("p");
      if (lang) p.lang = lang;
      p.textContent = text;
      result.append(p);
    }
  }

  async function run() {
    const proofFile = dropped || document.getElementById("proof-file").files[0];
    const policyFile = document.getElementById("policy-file").files[0];
    if (!proofFile || !policyFile) { show(false, [[null, words.choose_files]]); return; }
    if (!(crypto && crypto.subtle)) { show(false, [[null, words.no_webcrypto]]); return; }
    try {
      if (proofFile.size > limits.proof) throw new ProofError("proof_too_large", { limit: limits.proof });
      const policy = await parsePolicy(new Uint8Array(await policyFile.arrayBuffer()), limits.policy);
      const expect = document.getElementById("expect-object").value.trim().replace(/^decision\//, "");
      const facts = await checkBundle(new Uint8Array(await proofFile.arrayBuffer()), policy, expect, limits.proof);
      show(true, Object.entries(statements).map(([lang, w]) => [lang, sentence(facts, w)]));
    } catch (error) {
      if (!(error instanceof ProofError)) { show(false, [[null, fill(words.failed, { error: String(error) })]]); return; }
      const template = words["error_" + error.code] || words.failed;
      show(false, [[null, fill(template, { ...error.values, error: error.code })]]);
    }
  }

  document.getElementById("proof-check").addEventListener("submit", (event) => { event.preventDefault(); run(); });
  document.getElementById("proof-file").addEventListener("change", () => { dropped = null; });
  document.addEventListener("dragover", (event) => event.preventDefault());
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      dropped = event.dataTransfer.files[0];
      document.getElementById("proof-drop").textContent = dropped.name;
      if (document.getElementById("policy-file").files.length) run();
    }
  });
})();

// Repair, maintenance or IT help: type, printer, description, a photo from the phone; MainButton sends.
import { api, busy, el, haptic, mainButton, notice, replace, state, t } from "./app.js";

export async function show(root) {
  const me = state.me;
  const type = el("select", { id: "issue-type" }, me.types.map((item) => el("option", { value: item.code }, item.name)));
  const printer = el("select", { id: "issue-printer" }, el("option", { value: "" }, t("no_printer")),
    me.printers.map((p) => el("option", { value: p.id }, p.label)));
  const text = el("textarea", { id: "issue-text", maxlength: me.max_text });
  const photo = el("input", { id: "issue-photo", type: "file", accept: "image/*" });
  root.replaceChildren(el("div", {}, el("h1", {}, t("issue")),
    el("label", { for: "issue-type" }, t("kind")), type,
    me.printers.length ? el("label", { for: "issue-printer" }, t("printer")) : null, me.printers.length ? printer : null,
    el("label", { for: "issue-text" }, t("description")), text,
    el("label", { for: "issue-photo" }, t("photo")), photo));
  const send = async () => {
    try {
      const created = await busy(async () => {
        const ticket = await api("/issues", { method: "POST", json: { type: type.value, description: text.value,
          printer_id: printer.value ? Number(printer.value) : null } });
        const file = photo.files[0];
        ticket.photoFailed = file && !(await api(`/requests/${ticket.number}/photo`, { method: "POST", body: file,
          type: file.type || "application/octet-stream" }).catch(() => null));
        return ticket;
      });
      haptic("success");
      const message = t("registered", { number: created.number }) + (created.photoFailed ? ` ${t("photo_failed")}` : "");
      await replace("detail", { number: created.number, message });
    } catch (error) { haptic("error"); notice(error.message); }
  };
  mainButton(t("send_order"), send);
}

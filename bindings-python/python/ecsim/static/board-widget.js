const S = "waiting for capacity", x = {
  PROVISIONING: 0.35,
  PENDING: 0.55,
  ACTIVATING: 0.75,
  RUNNING: 1,
  DEACTIVATING: 0.5,
  STOPPING: 0.35,
  DEPROVISIONING: 0.25
}, N = /* @__PURE__ */ new Map();
function C(g) {
  const t = N.get(g);
  if (t) return t;
  let s = 2166136261;
  for (let n = 0; n < g.length; n++) s = Math.imul(s ^ g.charCodeAt(n), 16777619);
  const i = `hsl(${(s >>> 0) % 360} 62% 52%)`;
  return N.set(g, i), i;
}
function I(g, t) {
  return getComputedStyle(document.documentElement).getPropertyValue(g).trim() || t;
}
class O {
  constructor(t, s = {}) {
    this.canvas = t, this.options = s, t.addEventListener("click", (e) => {
      const i = t.getBoundingClientRect(), n = this.hitTest(e.clientX - i.left, e.clientY - i.top);
      this.select(n), this.options.onSelect?.(n);
    }), this.resizeObserver = new ResizeObserver(() => this.schedule()), this.resizeObserver.observe(t);
  }
  canvas;
  options;
  layout = null;
  boxes = [];
  columns = [];
  highlighted = null;
  selected = null;
  firstSeen = /* @__PURE__ */ new Map();
  frame = 0;
  fargateLane = 46;
  /** Per task, what its segment looks like: neighbours that look alike are drawn as one. */
  looks = [];
  /** The same, with when the task landed: tasks that landed together grow in together. */
  arrivals = [];
  /** The fill colour last set on the canvas, so that task segments set it only when it changes. */
  lastColor = "";
  frames = 0;
  resizeObserver;
  /** Frames drawn since the board was made (the benchmark reads it). */
  get framesDrawn() {
    return this.frames;
  }
  update(t) {
    const s = performance.now(), e = /* @__PURE__ */ new Map();
    for (const n of t.tasks.taskArn) e.set(n, this.firstSeen.get(n) ?? (this.layout ? s : s - 450));
    this.firstSeen = e, this.layout = t;
    const i = t.tasks;
    this.looks = i.taskArn.map((n, a) => `${i.group[a]}|${i.lastStatus[a]}|${i.healthStatus[a]}|${i.capacityProviderName[a]}`), this.arrivals = i.taskArn.map((n, a) => `${this.looks[a]}|${e.get(n)}`), this.place(this.canvas.clientWidth, this.canvas.clientHeight, t), this.schedule();
  }
  highlight(t) {
    this.highlighted = t ? new Set(t) : null, this.schedule();
  }
  select(t) {
    this.selected = t, this.schedule();
  }
  hitTest(t, s) {
    const e = this.boxes.find((i) => t >= i.x && t <= i.x + i.w && s >= i.y && s <= i.y + i.h);
    return e ? e.index : null;
  }
  /** What is drawn where, for tests and for the text summary next to the canvas. */
  summary() {
    const t = this.layout;
    if (!t) return { zones: [], instances: [] };
    const s = new Array(t.instances.length).fill(0);
    for (const e of t.tasks.instance) e >= 0 && s[e]++;
    return {
      zones: this.columns.map((e) => ({ zone: e.zone, instances: e.instances, fargateTasks: e.fargate })),
      instances: this.boxes.map((e) => {
        const i = t.instances[e.index];
        return {
          arn: i.containerInstanceArn,
          zone: i.availabilityZone,
          x: e.x,
          y: e.y,
          w: e.w,
          h: e.h,
          tasks: s[e.index],
          highlighted: this.highlighted?.has(i.containerInstanceArn) ?? !1
        };
      })
    };
  }
  /** Draws now, synchronously (a benchmark's frame, or a host that paints on its own schedule). */
  redraw() {
    this.draw();
  }
  destroy() {
    this.resizeObserver.disconnect(), cancelAnimationFrame(this.frame);
  }
  schedule() {
    cancelAnimationFrame(this.frame), this.frame = requestAnimationFrame(() => this.draw());
  }
  place(t, s, e) {
    const i = /* @__PURE__ */ new Map(), n = (l) => {
      const f = l ?? "no zone";
      return i.has(f) || i.set(f, { instances: [], fargate: 0 }), i.get(f);
    };
    e.instances.forEach((l, f) => n(l.availabilityZone).instances.push(f)), e.tasks.instance.forEach((l, f) => {
      l < 0 && n(e.tasks.availabilityZone[f] ?? S).fargate++;
    });
    const a = [...i.keys()].sort(), c = a.length ? (t - 6 * (a.length + 1)) / a.length : t, o = [...i.values()].some((l) => l.fargate > 0);
    this.fargateLane = e.instances.length ? 46 : Math.max(46, s - 26 - 12);
    const M = s - 26 - 6 - (o ? this.fargateLane + 6 : 0), p = Math.max(1, ...[...i.values()].map((l) => l.instances.length));
    let A = Math.min(240, c - 6);
    for (; A > 8; ) {
      const l = Math.max(1, Math.floor((c + 6) / (A + 6)));
      if (Math.ceil(p / l) * (A / 2 + 6) <= M) break;
      A *= 0.92;
    }
    const R = Math.max(6, A / 2), u = Math.max(1, Math.floor((c + 6) / (A + 6)));
    this.boxes = [], this.columns = a.map((l, f) => {
      const y = 6 + f * (c + 6), w = i.get(l);
      return w.instances.forEach((m, h) => {
        this.boxes.push({
          index: m,
          x: y + h % u * (A + 6),
          y: 32 + Math.floor(h / u) * (R + 6),
          w: A,
          h: R
        });
      }), { zone: l, x: y, w: c, instances: w.instances.length, fargate: w.fargate };
    });
  }
  draw() {
    const { canvas: t } = this, s = window.devicePixelRatio || 1, e = t.clientWidth, i = t.clientHeight;
    (t.width !== Math.round(e * s) || t.height !== Math.round(i * s)) && (t.width = Math.round(e * s), t.height = Math.round(i * s));
    const n = t.getContext("2d"), a = this.layout;
    if (!n || !a) return;
    n.setTransform(s, 0, 0, s, 0, 0), this.lastColor = "", n.clearRect(0, 0, e, i), this.place(e, i, a), this.frames++;
    const c = performance.now();
    let o = !1;
    const M = I("--ink", "#1d232b"), p = I("--muted", "#6b7480"), A = I("--board-box", "#ffffff"), R = I("--board-track", "#e9edf2"), u = I("--accent", "#2f6fde"), l = a.instances.map(() => []), f = /* @__PURE__ */ new Map();
    a.tasks.instance.forEach((h, r) => {
      if (h >= 0) l[h].push(r);
      else {
        const d = a.tasks.availabilityZone[r] ?? S;
        f.has(d) || f.set(d, []), f.get(d).push(r);
      }
    });
    const y = Math.max(1, ...a.instances.map((h) => h.registered.cpu)), w = Math.max(1, ...a.instances.map((h) => h.registered.memory)), m = (h) => {
      const r = c - (this.firstSeen.get(a.tasks.taskArn[h]) ?? 0);
      return r < 450 && (o = !0), 1 - (1 - Math.min(1, Math.max(0, r / 450))) ** 3;
    };
    n.font = "600 12px system-ui, sans-serif", n.textBaseline = "middle";
    for (const h of this.columns) {
      this.setFill(n, M), n.fillText(h.zone, h.x + 2, 26 / 2), this.setFill(n, p), n.font = "11px system-ui, sans-serif";
      const r = `${h.instances} instance${h.instances === 1 ? "" : "s"}`;
      n.fillText(r, h.x + h.w - n.measureText(r).width - 2, 26 / 2), n.font = "600 12px system-ui, sans-serif";
    }
    for (const h of this.boxes) {
      const r = a.instances[h.index], d = this.highlighted !== null && !this.highlighted.has(r.containerInstanceArn);
      n.globalAlpha = d ? 0.3 : 1, this.drawInstance(n, h, r, l[h.index], a, { maxCpu: y, maxMemory: w, panel: A, track: R, ink: M, muted: p, grow: m }), n.globalAlpha = 1, (this.highlighted?.has(r.containerInstanceArn) || this.selected === h.index) && (n.strokeStyle = u, n.lineWidth = this.selected === h.index ? 3 : 2, n.strokeRect(h.x - 1.5, h.y - 1.5, h.w + 3, h.h + 3));
    }
    for (const h of this.columns) {
      const r = f.get(h.zone);
      if (!r?.length) continue;
      const d = this.fargateLane, E = i - d - 6;
      this.setFill(n, R), n.fillRect(h.x, E, h.w, d), this.setFill(n, p), n.font = "10px system-ui, sans-serif", n.fillText(`${h.zone === S ? "PROVISIONING" : "Fargate"} · ${r.length}`, h.x + 4, E + 8);
      let T = h.x + 4, P = E + 16;
      for (const k of r) {
        const G = Math.max(6, Math.min(d > 46 ? 48 : 24, Math.sqrt(a.tasks.cpu[k]) * (d > 46 ? 1.6 : 0.7)));
        if (T + G > h.x + h.w - 4 && (T = h.x + 4, P += G + 3), P + G > E + d) break;
        this.fillTask(n, a, k, T, P, G * m(k), G), T += G + 3;
      }
    }
    o && this.schedule();
  }
  fillTask(t, s, e, i, n, a, c) {
    const o = t.globalAlpha, M = o * (x[s.tasks.lastStatus[e]] ?? 1);
    M !== o && (t.globalAlpha = M);
    const p = C(s.tasks.group[e]);
    this.setFill(t, p), t.fillRect(i, n, a, c), s.tasks.healthStatus[e] === "UNHEALTHY" && (this.setFill(t, "#d64545"), t.fillRect(i, n, a, Math.max(2, c / 4))), s.tasks.capacityProviderName[e] === "FARGATE_SPOT" && (t.strokeStyle = "#0009", t.lineWidth = 1, t.strokeRect(i + 0.5, n + 0.5, Math.max(0, a - 1), c - 1)), t.globalAlpha = o;
  }
  setFill(t, s) {
    this.lastColor !== s && (t.fillStyle = s, this.lastColor = s);
  }
  drawInstance(t, s, e, i, n, a) {
    t.globalAlpha, this.setFill(t, a.panel), t.fillRect(s.x, s.y, s.w, s.h);
    const c = s.w >= 110, o = c ? 6 : Math.max(1, s.w * 0.06), M = c ? 15 : 0, p = c ? Math.min(20, (s.h - M - o * 2 - 14) / 2) : Math.max(1, (s.h - o * 3) / 2), A = s.w - o * 2;
    if (c) {
      this.setFill(t, a.ink), t.font = "600 11px system-ui, sans-serif", t.fillText(e.instanceType ?? "?", s.x + o, s.y + o + 5), this.setFill(t, a.muted), t.font = "10px ui-monospace, monospace";
      const u = e.ec2InstanceId.slice(-6);
      t.fillText(u, s.x + s.w - o - t.measureText(u).width, s.y + o + 5);
    }
    if ([["cpu", a.maxCpu], ["memory", a.maxMemory]].forEach(([u, l], f) => {
      const y = s.y + o + M + f * (p + (c ? 4 : o)), w = e.registered[u], m = A * (w / l);
      this.setFill(t, a.track), t.fillRect(s.x + o, y, m, p);
      let h = s.x + o, r = -1, d = h, E = "", T = 1;
      const P = () => {
        r >= 0 && this.fillTask(t, n, r, d, y, (h - d) * T, p), r = -1;
      };
      for (const k of i) {
        const G = n.tasks[u][k] / Math.max(1, w) * m, F = a.grow(k), v = F < 1 ? this.arrivals[k] : this.looks[k];
        v !== E && (P(), r = k, d = h, E = v, T = F), h += G;
      }
      P(), c && (this.setFill(t, a.muted), t.font = "9px system-ui, sans-serif", m > 40 && t.fillText(u === "cpu" ? "CPU" : "MEM", s.x + o + m - 22, y + p / 2));
    }), c && s.h >= 62) {
      const u = s.y + s.h - o - 4, l = e.registered.enis, f = l - e.remaining.enis;
      for (let m = 0; m < Math.min(l, 15); m++)
        t.beginPath(), t.arc(s.x + o + 3 + m * 8, u, 2.6, 0, Math.PI * 2), this.setFill(t, m < f ? a.ink : a.track), t.fill();
      const y = e.registered.ports - e.remaining.ports, w = `${i.length} task${i.length === 1 ? "" : "s"} · ${y} port${y === 1 ? "" : "s"}`;
      this.setFill(t, a.muted), t.font = "9px system-ui, sans-serif", t.fillText(w, s.x + s.w - o - t.measureText(w).width, u);
    }
    (e.status !== "ACTIVE" || !e.agentConnected) && (t.strokeStyle = e.agentConnected ? "#e08a1e" : "#d64545", t.setLineDash(e.agentConnected ? [] : [4, 3]), t.lineWidth = 2, t.strokeRect(s.x + 1, s.y + 1, s.w - 2, s.h - 2), t.setLineDash([]));
  }
}
function z({ model: g, el: t }) {
  const s = document.createElement("canvas");
  s.style.width = "100%", s.style.display = "block";
  const e = () => {
    s.style.height = `${g.get("height")}px`;
  };
  e(), t.appendChild(s);
  const i = new O(s);
  t.board = i;
  const n = () => {
    const a = g.get("layout");
    a.instances && a.tasks && i.update(a);
  };
  return g.on("change:layout", n), g.on("change:height", e), n(), () => {
    g.off("change:layout", n), g.off("change:height", e);
  };
}
const $ = { render: z };
export {
  $ as default
};

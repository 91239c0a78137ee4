// The ranges viewed, for back and forward (manual §7.6 item 4: zoom and navigation in the time
// period). The period chosen in the perimeter is the first; each zoom adds one after the
// current, dropping what was ahead of it.
export class ZoomHistory {
  constructor() { this.reset(null); }

  reset(range) {
    this.stack = range ? [range] : [];
    this.index = this.stack.length - 1;
  }

  get current() { return this.stack[this.index] || null; }
  get canBack() { return this.index > 0; }
  get canForward() { return this.index < this.stack.length - 1; }

  push(range) {
    this.stack = this.stack.slice(0, this.index + 1);
    this.stack.push(range);
    this.index = this.stack.length - 1;
  }

  back() { if (this.canBack) this.index -= 1; return this.current; }
  forward() { if (this.canForward) this.index += 1; return this.current; }
}

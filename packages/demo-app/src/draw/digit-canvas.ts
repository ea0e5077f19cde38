import { type Gray, grayFromRgba } from './mnist-preprocess.js';

const SIZE = 280;
const STROKE = 20;
const STEP = 10;

/**
 * A square canvas to draw a digit on, white on black like MNIST. Mouse, touch and pen draw with
 * pointer events; with the keyboard, arrows move the pen, Space lifts or lowers it, Delete clears.
 * `onChange` runs at most once per animation frame while drawing, and once when a stroke ends.
 */
export class DigitCanvas {
  readonly #ctx: CanvasRenderingContext2D;
  #last: { x: number; y: number } | undefined;
  #pen = { x: SIZE / 2, y: SIZE / 2, down: false };
  #frame = 0;
  #empty = true;

  constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly onChange: (canvas: DigitCanvas) => void,
  ) {
    canvas.width = SIZE;
    canvas.height = SIZE;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    this.#ctx = ctx;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.lineWidth = STROKE;
    ctx.strokeStyle = '#fff';
    ctx.fillStyle = '#fff';
    this.clear();
    canvas.addEventListener('pointerdown', (e) => this.#down(e));
    canvas.addEventListener('pointermove', (e) => this.#move(e));
    canvas.addEventListener('pointerup', () => this.#up());
    canvas.addEventListener('pointercancel', () => this.#up());
    canvas.addEventListener('keydown', (e) => this.#key(e));
  }

  get empty(): boolean {
    return this.#empty;
  }

  clear(): void {
    this.#ctx.save();
    this.#ctx.fillStyle = '#000';
    this.#ctx.fillRect(0, 0, SIZE, SIZE);
    this.#ctx.restore();
    this.#empty = true;
  }

  pixels(): Gray {
    return grayFromRgba(this.#ctx.getImageData(0, 0, SIZE, SIZE).data, SIZE, SIZE);
  }

  #point(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) * SIZE) / rect.width,
      y: ((e.clientY - rect.top) * SIZE) / rect.height,
    };
  }

  #line(from: { x: number; y: number }, to: { x: number; y: number }): void {
    this.#ctx.beginPath();
    this.#ctx.moveTo(from.x, from.y);
    this.#ctx.lineTo(to.x, to.y);
    this.#ctx.stroke();
    this.#empty = false;
    this.#schedule();
  }

  #down(e: PointerEvent): void {
    this.canvas.setPointerCapture(e.pointerId);
    this.#last = this.#point(e);
    this.#line(this.#last, this.#last);
  }

  #move(e: PointerEvent): void {
    if (!this.#last) return;
    const next = this.#point(e);
    this.#line(this.#last, next);
    this.#last = next;
  }

  #up(): void {
    if (!this.#last) return;
    this.#last = undefined;
    cancelAnimationFrame(this.#frame);
    this.#frame = 0;
    this.onChange(this);
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.onChange(this);
    });
  }

  #key(e: KeyboardEvent): void {
    const moves: Record<string, [number, number]> = {
      ArrowUp: [0, -STEP],
      ArrowDown: [0, STEP],
      ArrowLeft: [-STEP, 0],
      ArrowRight: [STEP, 0],
    };
    const move = moves[e.key];
    const pen = this.#pen;
    if (move) {
      const from = { x: pen.x, y: pen.y };
      pen.x = Math.min(SIZE - STEP, Math.max(STEP, pen.x + move[0]));
      pen.y = Math.min(SIZE - STEP, Math.max(STEP, pen.y + move[1]));
      if (pen.down) this.#line(from, pen);
    } else if (e.key === ' ') {
      pen.down = !pen.down;
      if (pen.down) this.#line(pen, pen);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      this.clear();
      this.onChange(this);
    } else {
      return;
    }
    e.preventDefault();
  }
}

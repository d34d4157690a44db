import type { Clock } from '../../src/core/ports/clock.js';

/** A clock tests move by hand; it starts at the real time so expiry works as in production. */
export class TestClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }
}

import { describe, expect, it } from 'vitest';
import { bar } from './chart.js';

describe('bar', () => {
  it('fills the width at the maximum', () => {
    expect(bar(10, 10, 5)).toBe('█████');
  });

  it('renders fractions in eighths', () => {
    expect(bar(5, 10, 5)).toBe('██▌');
    expect(bar(1, 8, 1)).toBe('▏');
  });

  it('shows a sliver for a tiny non-zero value and nothing for zero', () => {
    expect(bar(1, 1000, 10)).toBe('▏');
    expect(bar(0, 10, 10)).toBe('');
    expect(bar(3, 0, 10)).toBe('');
  });

  it('never exceeds the width', () => {
    expect(bar(20, 10, 4)).toBe('████');
  });
});

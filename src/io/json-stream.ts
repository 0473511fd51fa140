/**
 * Writes one JSON object to stdout incrementally, so a run over a million
 * records can emit `results` without holding them in memory. The document is
 * still exactly one JSON value.
 */
import { redactSecrets } from '../errors.js';
import type { Writable } from 'node:stream';

export class JsonObjectStream {
  private first = true;
  private inArray = false;
  private arrayFirst = true;

  constructor(private readonly out: Writable) {
    this.out.write('{');
  }

  private key(name: string): void {
    this.out.write(`${this.first ? '' : ','}${JSON.stringify(name)}:`);
    this.first = false;
  }

  field(name: string, value: unknown): void {
    this.key(name);
    this.out.write(redactSecrets(JSON.stringify(value)));
  }

  beginArray(name: string): void {
    this.key(name);
    this.out.write('[');
    this.inArray = true;
    this.arrayFirst = true;
  }

  item(value: unknown): void {
    this.out.write(`${this.arrayFirst ? '' : ','}${redactSecrets(JSON.stringify(value))}`);
    this.arrayFirst = false;
  }

  endArray(): void {
    this.out.write(']');
    this.inArray = false;
  }

  end(): void {
    if (this.inArray) this.endArray();
    this.out.write('}\n');
  }
}

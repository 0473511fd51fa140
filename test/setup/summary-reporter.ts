/**
 * Prints the plain closing line CI reads ("N passed, N failed, N skipped"),
 * and names every skipped test so its reason (in its name) is visible.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else {
          skipped++;
          skippedNames.push(`${module.moduleId.replace(`${process.cwd()}/`, '')} > ${test.fullName}`);
        }
      }
    }
    if (skippedNames.length > 0) console.log(`\nskipped:\n${skippedNames.map((n) => `  - ${n}`).join('\n')}`);
    console.log(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
  }
}

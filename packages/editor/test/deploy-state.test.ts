import { describe, expect, it } from 'vitest';
import { activationQuestion, deployQuestion, environmentStates, runNowPlan, type DeployStatus } from '../src/pages/deploy/deploy-state';

const at = '2026-12-04T10:00:00.000Z';
const base: DeployStatus = { flowId: 'tags', title: 'Tags', active: true, headRevision: 5, triggerType: 'manual', hasTests: true, deployments: [], liveTarget: undefined };
const withStaging = (revision: number): DeployStatus => ({
  ...base,
  deployments: [{ flowId: 'tags', environment: 'staging', revision, deployedAt: at, deployedBy: 'editor' }],
  liveTarget: { environment: 'staging', revision },
});

describe('draft vs live per environment', () => {
  it('says what each environment runs and whether the saved head is ahead of it', () => {
    const [staging, production] = environmentStates(withStaging(2), false);
    expect(staging).toMatchObject({ environment: 'staging', draftAhead: true, live: true, summary: 'r2 deployed · r5 saved, not deployed' });
    expect(production).toMatchObject({ environment: 'production', draftAhead: true, live: false, summary: 'nothing deployed' });
    expect(environmentStates(withStaging(5), false)[0]).toMatchObject({ draftAhead: false, summary: 'r5 deployed · up to date' });
    // Unsaved edits are ahead of every environment, even one that runs the head.
    expect(environmentStates(withStaging(5), true)[0]).toMatchObject({ draftAhead: true, summary: 'r5 deployed · unsaved changes' });
  });
});

describe('"Run now" runs what is deployed', () => {
  it('runs at once when the chosen environment runs the latest save', () => {
    expect(runNowPlan(withStaging(5), 'staging', false)).toEqual({ kind: 'run', revision: 5 });
  });

  it('asks when a newer save is not deployed, offering to deploy it or to run the deployed revision', () => {
    const plan = runNowPlan(withStaging(2), 'staging', false);
    expect(plan.kind).toBe('ask');
    if (plan.kind !== 'ask') return;
    expect(plan.question.title).toBe('Run revision 2, or deploy your changes first?');
    expect(plan.question.body.join(' ')).toContain('Your latest save, revision 5, is not deployed there.');
    expect(plan.question.choices.map((c) => c.id)).toEqual(['deploy-and-run', 'run-deployed', 'cancel']);
    expect(plan.question.choices[0]!.label).toBe('Deploy revision 5 and run');
    // Unsaved edits are saved first as the next revision.
    const dirty = runNowPlan(withStaging(5), 'staging', true);
    expect(dirty.kind === 'ask' && dirty.question.choices[0]!.label).toBe('Save, deploy revision 6 and run');
  });

  it('offers to deploy when nothing is deployed to the environment, and to activate an inactive flow', () => {
    const none = runNowPlan(withStaging(5), 'production', false);
    expect(none.kind === 'ask' && none.question.title).toBe('Nothing is deployed to Production');
    const inactive = runNowPlan({ ...base, active: false }, 'staging', false);
    expect(inactive.kind === 'ask' && inactive.question.choices[0]).toMatchObject({ id: 'activate-and-run', label: 'Deploy revision 5, activate and run' });
    expect(inactive.kind === 'ask' && inactive.revision).toBeUndefined();
  });
});

describe('confirmations', () => {
  it('activation says what the trigger then runs, and that a newer save does not run until deployed', () => {
    const q = activationQuestion({ ...withStaging(2), active: false }, true);
    expect(q.title).toBe('Activate “Tags”?');
    expect(q.body.join(' ')).toMatch(/It runs Staging \(sandbox\) revision 2 \(deployed .* by editor\)\. Revision 5 is saved but not deployed/);
    expect(activationQuestion({ ...base, active: false }, true).body.join(' ')).toContain('Nothing is deployed yet, so activating deploys revision 5 to Staging (sandbox).');
    expect(activationQuestion(base, false).body[0]).toContain('webhooks answer 404');
  });

  it('a production deploy says the flow tests run first, and warns when there are none', () => {
    const q = deployQuestion({ ...withStaging(2), hasTests: false }, 'production', false);
    expect(q.title).toBe('Deploy revision 5 to Production?');
    expect(q.body.join(' ')).toContain('the flow’s tests pass');
    expect(q.body.join(' ')).toContain('no tests yet');
    expect(deployQuestion(withStaging(2), 'staging', true).choices[0]!.label).toBe('Save and deploy revision 6');
  });
});

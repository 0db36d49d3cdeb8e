import type { StateCreator } from 'zustand';
import type * as C from '@splice/server/api/contract';
import type { ApiRequestError } from '../api/api-client';
import { activationQuestion, deployQuestion, ENVIRONMENT_TITLES, runNowPlan, statusOf, type Question } from '../pages/deploy/deploy-state';
import type { DeployProblems, DeploySlice, EditorState } from './editor-state';

/**
 * Save vs deploy: the open flow's deployments per environment, Deploy (production through the promotion
 * gate), activation and "Run now", each confirmed in the question dialog first. Saving stays in the flow
 * slice; nothing here ever runs an undeployed draft.
 */
export const createDeploySlice: StateCreator<EditorState, [], [], DeploySlice> = (set, get) => {
  const dirty = () => {
    const f = get().flow;
    return !f?.id || f.text !== f.savedText;
  };
  /** Saves unsaved edits (a new revision); false when the save failed (the flow slice said why). */
  const saveFirst = async () => !dirty() || (await get().save());
  const status = async () => {
    const id = get().flow?.id;
    if (!id) return undefined;
    if (get().deployStatus?.flowId !== id) await get().loadDeployStatus(id);
    return get().deployStatus;
  };

  const deployRevision = async (environment: C.EnvironmentName): Promise<boolean> => {
    if (!(await saveFirst())) return false;
    const f = get().flow!;
    const revision = f.headRevision!;
    set({ deploying: environment, deployProblems: undefined });
    try {
      const res = await get().api.deploy(f.id!, { environment, revision });
      const tests = res.tests ? ` after ${res.tests.passed} flow test${res.tests.passed === 1 ? '' : 's'} passed` : '';
      get().notify('info', `Deployed revision ${res.deployment.revision} to ${ENVIRONMENT_TITLES[environment]}${tests}.`);
      await get().loadDeployStatus(f.id!);
      return true;
    } catch (err) {
      const e = err as ApiRequestError;
      set({ deployProblems: problemsOf(e, environment, revision) });
      get().notify('error', `Revision ${revision} was not deployed to ${ENVIRONMENT_TITLES[environment]}: ${e.code === 'PROMOTION_REFUSED' ? 'see the problems under the toolbar.' : e.message}`);
      return false;
    } finally {
      set({ deploying: undefined });
    }
  };

  const activate = async (active: boolean): Promise<boolean> => {
    const id = get().flow!.id!;
    const res = await get().attempt(active ? 'activate the flow' : 'deactivate the flow', () => (active ? get().api.activate(id) : get().api.deactivate(id)));
    if (!res) return false;
    set({ deployStatus: statusOf(res.flow) });
    const live = res.flow.liveTarget;
    get().notify(
      'info',
      res.flow.active
        ? `Active: “${res.flow.title ?? id}” now takes its trigger’s events and runs ${live ? `${ENVIRONMENT_TITLES[live.environment]} revision ${live.revision}` : 'its deployed revision'}.`
        : `Inactive: “${res.flow.title ?? id}” takes no events.`,
    );
    return true;
  };

  const startRun = async (environment: C.EnvironmentName) => {
    const f = get().flow!;
    const sample = ((f.data.trigger ?? {}) as { sample?: unknown }).sample ?? {};
    const res = await get().attempt('start a run', () => get().api.triggerRun(f.id!, { payload: sample, environment }));
    if (!res) return;
    get().notify('info', `Run started: ${ENVIRONMENT_TITLES[res.environment]} revision ${res.revision}.`);
    get().navigate({ name: 'run', runId: res.runId });
  };

  return {
    deployStatus: undefined,
    deploying: undefined,
    deployProblems: undefined,
    question: undefined,

    ask(question: Question) {
      // One question at a time: a new one answers the previous one with "cancel".
      get().question?.answer('cancel');
      return new Promise<string>((resolve) => {
        set({ question: { ...question, answer: (choice) => (set({ question: undefined }), resolve(choice)) } });
      });
    },
    async loadDeployStatus(flowId) {
      try {
        const res = await get().api.flow(flowId);
        if (get().flow?.id === flowId || get().flow === undefined) set({ deployStatus: statusOf(res.flow) });
      } catch {
        // The bar keeps the last state; the next save or deploy loads it again.
      }
    },
    clearDeployProblems() {
      set({ deployProblems: undefined });
    },
    async deploy(environment) {
      const s = await status();
      if (s && (await get().ask(deployQuestion(s, environment, dirty()))) !== 'deploy') return false;
      if (!s && !(await saveFirst())) return false;
      return deployRevision(environment);
    },
    async setActive(active) {
      if (!(await saveFirst())) return;
      const s = await status();
      if (!s) return;
      if ((await get().ask(activationQuestion(s, active))) !== (active ? 'activate' : 'deactivate')) return;
      await activate(active);
    },
    async runNow() {
      if (!get().flow?.id && !(await saveFirst())) return;
      const s = await status();
      if (!s) return;
      const environment = get().environment;
      const plan = runNowPlan(s, environment, dirty());
      if (plan.kind === 'run') return startRun(environment);
      const choice = await get().ask(plan.question);
      if (choice === 'cancel') return;
      if (choice === 'activate-and-run') {
        // Nothing deployed here: deploy first, so activation does not put the head into another environment.
        if (plan.revision === undefined && !(await deployRevision(environment))) return;
        if (!(await activate(true))) return;
      }
      if (choice === 'deploy-and-run' && !(await deployRevision(environment))) return;
      await startRun(environment);
    },
  };
};

function problemsOf(e: ApiRequestError, environment: C.EnvironmentName, revision: number): DeployProblems {
  const failed = (e.details?.failedTests ?? []) as DeployProblems['failedTests'];
  return { environment, revision, code: e.code, message: e.message, issues: failed.length ? [] : e.issues, failedTests: failed };
}

import { create } from 'zustand';
import { createAppSlice, type AppSlice } from './app-slice';
import { createFlowSlice, type FlowSlice } from './flow-slice';
import { createOpsSlice, type OpsSlice } from './ops-slice';
import { createPreviewSlice, type PreviewSlice } from './preview-slice';

/** The editor's one store: state plus action methods; components read it through selectors. */
export type EditorState = AppSlice & FlowSlice & OpsSlice & PreviewSlice;

export const useEditor = create<EditorState>()((...a) => ({
  ...createAppSlice(...a),
  ...createFlowSlice(...a),
  ...createOpsSlice(...a),
  ...createPreviewSlice(...a),
}));

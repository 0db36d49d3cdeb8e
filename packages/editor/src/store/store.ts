import { create } from 'zustand';
import { createAppSlice } from './app-slice';
import { createDeploySlice } from './deploy-slice';
import type { EditorState } from './editor-state';
import { createFlowSlice } from './flow-slice';
import { createOpsSlice } from './ops-slice';
import { createPreviewSlice } from './preview-slice';

export type { EditorState };

/** The editor's one store: state plus action methods; components read it through selectors. */
export const useEditor = create<EditorState>()((...a) => ({
  ...createAppSlice(...a),
  ...createFlowSlice(...a),
  ...createOpsSlice(...a),
  ...createPreviewSlice(...a),
  ...createDeploySlice(...a),
}));

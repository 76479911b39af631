// The Transfers panel's icon (arrows up and down), themed like JupyterLab's icons.
import { LabIcon } from '@jupyterlab/ui-components';

import transfersSvg from '../../style/icons/transfers.svg';

export const transfersIcon = new LabIcon({
  name: 'jupyter-buckets:transfers',
  svgstr: transfersSvg
});

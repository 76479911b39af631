// Icons of the credentials panel (a key) and of bookmarks (a pin).
import { LabIcon } from '@jupyterlab/ui-components';

import keySvg from '../../style/icons/key.svg';
import pinSvg from '../../style/icons/pin.svg';

export const keyIcon = new LabIcon({
  name: 'jupyter-buckets:key',
  svgstr: keySvg
});

export const pinIcon = new LabIcon({
  name: 'jupyter-buckets:pin',
  svgstr: pinSvg
});

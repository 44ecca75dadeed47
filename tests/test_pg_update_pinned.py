"""PPO's and A2C's updates are pinned: from a fixed seed, two
``optimize_agent`` calls give the parameters and diagnostics recorded below
(with the code before the update's overhead was cut, issue 16), for
feed-forward and recurrent agents, discrete and continuous actions, with and
without mid-batch resets (the valid mask).

The recorded numbers are float64 sums of each parameter tensor and of each
OptInfo field. On the machine that recorded them the refactored update
reproduced them bitwise; the tolerance (1e-4 relative, 1e-6 absolute) only
absorbs another CPU's float kernels (a changed computation moves these sums
by far more). Run this file as a script to print the current values.
"""
from __future__ import annotations

import pytest
import torch

from rlpyt.agents.pg.categorical import CategoricalPgAgent, RecurrentCategoricalPgAgent
from rlpyt.agents.pg.gaussian import GaussianPgAgent
from rlpyt.algos.pg.a2c import A2C
from rlpyt.algos.pg.ppo import PPO
from rlpyt.envs.gym import make as gym_make
from rlpyt.samplers.serial.sampler import SerialSampler
from rlpyt.utils.seed import set_seed
from tests.memory_env import make_memory_env
from tests.pinned_updates import assert_pinned, update_fingerprint
from tests.torch_threads import one_torch_thread  # noqa: F401 (autouse fixture)

CARTPOLE = dict(EnvCls=gym_make, env_kwargs=dict(id="CartPole-v1"))
PENDULUM = dict(EnvCls=gym_make, env_kwargs=dict(id="Pendulum-v1", max_episode_steps=12))
MEMORY = dict(EnvCls=make_memory_env, env_kwargs={})
PPO_KWARGS = dict(minibatches=2, epochs=3, gae_lambda=0.95, normalize_advantage=True, entropy_loss_coeff=0.01)

CASES = {
    "ppo_ff": (lambda: PPO(**PPO_KWARGS), CategoricalPgAgent, CARTPOLE, True),
    "ppo_ff_wait": (lambda: PPO(**PPO_KWARGS), CategoricalPgAgent, MEMORY, False),
    "ppo_one_minibatch": (lambda: PPO(minibatches=1, epochs=4, gae_lambda=0.8), CategoricalPgAgent, CARTPOLE,
        True),
    "ppo_no_entropy": (lambda: PPO(minibatches=1, epochs=4, gae_lambda=0.8, entropy_loss_coeff=0.0),
        CategoricalPgAgent, CARTPOLE, True),
    "ppo_gaussian": (lambda: PPO(**PPO_KWARGS), GaussianPgAgent, PENDULUM, True),
    "ppo_rnn": (lambda: PPO(**PPO_KWARGS), RecurrentCategoricalPgAgent, MEMORY, True),
    "ppo_rnn_wait": (lambda: PPO(**PPO_KWARGS), RecurrentCategoricalPgAgent, MEMORY, False),
    "a2c_ff": (lambda: A2C(gae_lambda=0.95), CategoricalPgAgent, CARTPOLE, True),
    "a2c_ff_wait": (lambda: A2C(), CategoricalPgAgent, MEMORY, False),
    "a2c_rnn": (lambda: A2C(normalize_advantage=True), RecurrentCategoricalPgAgent, MEMORY, True),
}

# fingerprint()'s values in its order (OptInfo fields of both calls, then the state dict)
PINNED = {'ppo_ff': [56.00809860229492, 46.947612285614014, 4.15784353017807, 11.997921586036682, -0.02052072435617447,
            56.07019805908203, 0.0, 0.0009839139311225154, 53.5986852645874, 46.98314094543457, 4.152135610580444,
            11.986520886421204, -0.06824297085404396, 53.70844841003418, 0.6875, 0.0065330114448443055,
            2.1328575918159913, 0.0067774100753013045, -1.401779013016494, 0.046647905961435754,
            0.006293418817222118, 4.656612873077393e-10, 5.306880080548581, 0.04894001642242074, -5.538123818769236,
            -0.001119254156947136, -0.2821799863886554, 0.010481776669621468],
 'ppo_ff_wait': [3.3114909529685974, 21.076692819595337, 4.157926499843597, 11.998087048530579, -0.6497653424739838,
                 4.0028355717659, 0.0, 0.0008493699133396149, 1.5597543213516474, 12.131042420864105,
                 4.1575305461883545, 11.997295141220093, -0.023324429988861084, 1.624653994687833, 0.0,
                 0.0012110865936847404, 0.7635640762746334, -0.011829095608845819, -9.189174968421867,
                 -0.024396732413151767, -0.021568739826761885, 0.0, -0.0066993692307733, -0.13165351550560445,
                 10.713281401083805, 0.08412574557587504, -0.0026411537546664476, 0.010101976804435253],
 'ppo_one_minibatch': [6.828443169593811, 22.899330139160156, 2.7722941637039185, 7.99941086769104,
                       -11.64452862739563, 18.500694751739502, 0.0, 0.0002722944991546683, 5.890197396278381,
                       22.846831798553467, 2.7698912620544434, 7.994609475135803, -11.762951850891113,
                       17.680848121643066, 0.125, 0.002577407140051946, 2.138123219658155, 0.008897195104509592,
                       -1.6837891772738658, -0.08939025539439172, 0.006293422542512417, 0.0, 5.258691598661244,
                       0.034985390899237245, -5.547674168541562, -0.0006738747470080853, -0.3112217601737939,
                       0.006993530318140984],
 'ppo_no_entropy': [6.856166124343872, 22.89936399459839, 2.7722941637039185, 7.99941086769104, -11.64452862739563,
                    18.500694751739502, 0.0, 0.00027229497936787084, 5.917896032333374, 22.846952438354492,
                    2.7698912620544434, 7.994609475135803, -11.762952089309692, 17.680848121643066, 0.125,
                    0.0025774263485800475, 2.1381227949168533, 0.008897062216419727, -1.6838062277529389,
                    -0.08939001231919974, 0.00629341509193182, 0.0, 5.2586915238644, 0.034985389676876366,
                    -5.547674296365585, -0.0006738784722983837, -0.3112216845038347, 0.006993529386818409],
 'ppo_gaussian': [1042.7821502685547, 268.4257392883301, 8.503187417984009, 24.753278255462646,
                  -0.022856716066598892, 1042.890022277832, 0.0625, 0.0021053582095191814, 1018.3467407226562,
                  249.6293067932129, 8.49743902683258, 24.72956085205078, -0.05317477881908417, 1018.4848785400391,
                  0.625, 0.007173655729275197, -0.0023142448626458645, -1.0707064511952922, 0.019237880362197757,
                  -7.7879452951892745, 0.03621020191349089, 0.06570478426874615, 0.007194400765001774,
                  2.063000253168866, -0.0007898332551121712, 12.804175082725124, -0.04217133391648531,
                  0.4585457183420658, -0.010538219474256039],
 'ppo_rnn': [1.7027674540877342, 5.03053206205368, 4.1573901772499084, 11.9970144033432, 0.005231648683547974,
             1.7391096949577332, 0.0, 0.00020235666306689382, 1.0247274115681648, 3.8754813075065613,
             4.1572800278663635, 11.99679434299469, -0.011159688234329224, 1.077459916472435, 0.0,
             0.0001974770457309205, -4.464795873267576, -2.1643758616410196, 9.393796334930812, 11.105749659516732,
             1.0054885916179046, 1.1329610146640334, -0.6248844396322966, 0.11116266250610352, -0.7846659915521741,
             0.03368839621543884],
 'ppo_rnn_wait': [1.517750471830368, 7.854297399520874, 4.156407952308655, 11.995051145553589, 0.02551579475402832,
                  1.5337987068778602, 0.0, 0.005731934681534767, 1.1324745863676071, 4.790040552616119,
                  4.147240936756134, 11.976739287376404, 0.0035559535026550293, 1.1703910371288657, 4.5,
                  0.01990959420800209, -4.444801657926291, -2.1852302161278203, 9.706848589943547,
                  11.471967280456738, 0.8674811227247119, 0.9949536756903399, -0.6248843249632046,
                  0.11116266250610352, -0.7733154534362257, 0.031651172786951065],
 'a2c_ff': [7.498870849609375, 4.077276229858398, 0.6931470632553101, 1.999999761581421, 7.4517502784729,
            4.051985740661621, 0.6931257247924805, 1.9999570846557617, 2.1386125585995615, -0.011297838180325925,
            -1.4780364677426405, -0.026230247865896672, 0.006293418526183814, 0.0, 5.326657640980557,
            0.011799626518040895, -5.560032128763851, 8.32253135740757e-06, -0.3055628542788327,
            0.0020000312943011522],
 'a2c_ff_wait': [1.2296451330184937, 1.911643147468567, 0.6931464672088623, 1.9999985694885254, 1.177893042564392,
                 1.7495819330215454, 0.6930798292160034, 1.9998652935028076, 0.7906346470117569,
                 0.015241616929415613, -9.532173705316382, 0.010862863156944513, -0.021568738113273866,
                 -6.51925802230835e-09, 0.10073013190412894, -0.02422408200800419, 10.708351256325841,
                 0.016007643658667803, 0.008045253809541464, 0.002000221749767661],
 'a2c_rnn': [0.18599092960357666, 0.4832629859447479, 0.6927520632743835, 1.9992098808288574, 0.1707690954208374,
             0.45670369267463684, 0.692689061164856, 1.9990839958190918, -4.47027942398563, -2.188961738953367,
             9.558276751427911, 11.288002231449354, 0.9108164764475077, 1.0382889740285464, -0.6248843814246356,
             0.11116266623139381, -0.7185993911698461, 0.02565239742398262]}


def fingerprint(name: str) -> dict:
    """``update_fingerprint`` of case ``name``."""
    make_algo, AgentCls, env, mid_batch_reset = CASES[name]
    return update_fingerprint(make_algo, AgentCls, env, mid_batch_reset=mid_batch_reset)


@pytest.mark.parametrize("name", sorted(CASES))
def test_pg_update_matches_pinned_values(name):
    assert_pinned(fingerprint(name), PINNED[name])



@pytest.mark.parametrize("minibatches", [1, 2])
def test_ppo_shuffles_only_to_split_minibatches(minibatches):
    """With one minibatch every epoch takes the whole batch, whose order
    changes nothing but rounding: no permutation is drawn (the random state
    the sampler goes on with is untouched)."""
    set_seed(0)
    algo, agent = PPO(minibatches=minibatches, epochs=3), CategoricalPgAgent()
    sampler = SerialSampler(batch_T=8, batch_B=4, max_decorrelation_steps=0, **CARTPOLE)
    sampler.initialize(agent, seed=0, bootstrap_value=True)
    algo.initialize(agent, n_itr=4, batch_spec=sampler.batch_spec)
    agent.sample_mode(0)
    samples, _ = sampler.obtain_samples(0)
    sampler.shutdown()
    agent.train_mode(0)
    state = torch.get_rng_state()
    algo.optimize_agent(0, samples)
    assert torch.equal(torch.get_rng_state(), state) == (minibatches == 1)

if __name__ == "__main__":
    torch.set_num_threads(1)
    for case in CASES:
        print(f"    {case!r}: {list(fingerprint(case).values())!r},")
